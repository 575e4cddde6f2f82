package dev.braintrust.reactive.otel.internal;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A baggage propagator that adds {@code braintrust.parent} before injecting. It adds to the context
 * it injects rather than writing a header of its own, so the carrier still gets exactly one {@code
 * baggage} header.
 *
 * <p>Every outgoing call of a traced service goes through here, and most carry baggage that holds
 * only {@code braintrust.parent}, one of the few destinations the service sends to; each incoming
 * call of the next service parses that same header. With the W3C baggage propagator (whose output
 * depends on the baggage alone) both ends reuse what it made the first time: the headers written
 * for a parent, and the baggage read from the last header seen. Any other propagator, or baggage
 * with other entries, goes through the delegate every time.
 */
public final class ParentBaggagePropagator implements TextMapPropagator {
  private static final String PARENT = SpanMapper.PARENT;
  private static final String FIELD = "baggage";
  // Destinations a service sends to are few; past this, headers are made each time (no growth).
  private static final int MAX_CACHED = 64;
  private static final boolean HAS_GET_ALL = hasGetAll();

  private final TextMapPropagator delegate;
  private final Function<String, @Nullable String> parentOfSpan;
  private final boolean w3c;
  private final Map<String, Map<String, String>> headersByParent = new ConcurrentHashMap<>();
  private volatile @Nullable Extracted lastExtracted;

  /** A baggage header and what the delegate made of it: null when it left the context as it was. */
  private record Extracted(String header, @Nullable Baggage baggage) {}

  /** {@code parentOfSpan} gives the parent of a started span by span id, or null. */
  public ParentBaggagePropagator(
      TextMapPropagator delegate, Function<String, @Nullable String> parentOfSpan) {
    this.delegate = delegate;
    this.parentOfSpan = parentOfSpan;
    this.w3c = delegate instanceof W3CBaggagePropagator;
  }

  @Override
  public Collection<String> fields() {
    return delegate.fields();
  }

  @Override
  public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
    Baggage baggage = Baggage.fromContext(context);
    if (baggage.getEntryValue(PARENT) == null) {
      SpanContext span = Span.fromContext(context).getSpanContext();
      String parent = span.isValid() ? parentOfSpan.apply(span.getSpanId()) : null;
      if (parent != null) {
        Map<String, String> headers = w3c && baggage.isEmpty() ? headersFor(parent) : null;
        if (headers != null) {
          for (Map.Entry<String, String> h : headers.entrySet()) {
            setter.set(carrier, h.getKey(), h.getValue());
          }
          return;
        }
        context = context.with(baggage.toBuilder().put(PARENT, parent).build());
      }
    }
    delegate.inject(context, carrier, setter);
  }

  /**
   * What the delegate writes for baggage holding only {@code parent}; null past the cache's size.
   */
  private @Nullable Map<String, String> headersFor(String parent) {
    Map<String, String> headers = headersByParent.get(parent);
    if (headers == null && headersByParent.size() < MAX_CACHED) {
      Map<String, String> made = new LinkedHashMap<>();
      delegate.inject(
          Context.root().with(Baggage.builder().put(PARENT, parent).build()),
          made,
          (c, k, v) -> c.put(k, v));
      headers = Map.copyOf(made);
      headersByParent.putIfAbsent(parent, headers);
    }
    return headers;
  }

  @Override
  public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
    if (!w3c || !HAS_GET_ALL || context == null || getter == null) {
      return delegate.extract(context, carrier, getter);
    }
    // Read as the W3C propagator reads it: every value of the field.
    Iterator<String> values = getter.getAll(carrier, FIELD);
    String header = values != null && values.hasNext() ? values.next() : null;
    if (header == null) {
      return context;
    }
    if (header.isEmpty() || values.hasNext()) {
      // Several headers (or an empty one): the delegate's own case.
      return delegate.extract(context, carrier, getter);
    }
    Extracted last = lastExtracted;
    if (last == null || !last.header.equals(header)) {
      // The carrier holds that one header: what the delegate reads from it alone.
      Context read = delegate.extract(Context.root(), carrier, getter);
      last = new Extracted(header, read == Context.root() ? null : Baggage.fromContext(read));
      lastExtracted = last;
    }
    return last.baggage == null ? context : context.with(last.baggage);
  }

  /**
   * Whether this OpenTelemetry API reads every value of a header ({@code TextMapGetter.getAll},
   * which its W3C baggage propagator uses); an older one (an older agent) has only {@code get}.
   */
  private static boolean hasGetAll() {
    try {
      TextMapGetter.class.getMethod("getAll", Object.class, String.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "BraintrustParent(" + delegate + ")";
  }
}
