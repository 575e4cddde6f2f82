package dev.braintrust.reactive.otel.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageEntry;
import io.opentelemetry.api.baggage.BaggageEntryMetadata;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The propagator reuses what the W3C baggage propagator made before (headers per parent, the
 * baggage of the last header read): what it writes and reads must be what the W3C propagator alone
 * writes and reads, call after call.
 */
class ParentBaggagePropagatorTest {
  private static final W3CBaggagePropagator W3C = W3CBaggagePropagator.getInstance();
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final ContextKey<String> OTHER = ContextKey.named("other");

  private final Map<String, String> parents = new HashMap<>();
  private final ParentBaggagePropagator propagator = new ParentBaggagePropagator(W3C, parents::get);

  /** A carrier whose header may hold several values, read as HTTP servers do. */
  private static final TextMapGetter<Map<String, List<String>>> MULTI =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, List<String>> carrier) {
          return carrier.keySet();
        }

        @Override
        public @Nullable String get(@Nullable Map<String, List<String>> carrier, String key) {
          List<String> v = carrier == null ? null : carrier.get(key);
          return v == null || v.isEmpty() ? null : v.get(0);
        }

        @Override
        public Iterator<String> getAll(@Nullable Map<String, List<String>> carrier, String key) {
          List<String> v = carrier == null ? null : carrier.get(key);
          return v == null ? java.util.Collections.emptyIterator() : v.iterator();
        }
      };

  private static Context inSpan(Context base) {
    SpanContext sc =
        SpanContext.create(
            "4bf92f3577b34da6a3ce929d0e0e4736",
            SPAN_ID,
            TraceFlags.getSampled(),
            TraceState.getDefault());
    return base.with(Span.wrap(sc));
  }

  private Map<String, String> injected(Context context) {
    Map<String, String> carrier = new TreeMap<>();
    propagator.inject(context, carrier, Map::put);
    return carrier;
  }

  private static Map<String, String> w3cInjected(Context context) {
    Map<String, String> carrier = new TreeMap<>();
    W3C.inject(context, carrier, Map::put);
    return carrier;
  }

  @Test
  void writesWhatTheW3cPropagatorWritesForTheParentAloneEveryTime() {
    for (String parent :
        List.of(
            "project_name:agent-bench",
            "project_name:a b,c;d=e%f/é",
            "project_id:7f1c2a",
            "experiment_id:e-1")) {
      parents.put(SPAN_ID, parent);
      Map<String, String> expected =
          w3cInjected(
              Context.root().with(Baggage.builder().put("braintrust.parent", parent).build()));
      assertThat(expected).containsOnlyKeys("baggage");
      for (int i = 0; i < 3; i++) {
        assertThat(injected(inSpan(Context.root()))).as(parent).isEqualTo(expected);
      }
    }
  }

  @Test
  void keepsOtherBaggageMembersBesideTheParent() {
    parents.put(SPAN_ID, "project_name:p");
    injected(inSpan(Context.root())); // the parent's headers are cached now
    Baggage other =
        Baggage.builder()
            .put("user", "u-1", BaggageEntryMetadata.create("prop"))
            .put("tenant", "t 2")
            .build();
    Map<String, String> got = injected(inSpan(Context.root().with(other)));
    Map<String, String> expected =
        w3cInjected(
            Context.root()
                .with(other.toBuilder().put("braintrust.parent", "project_name:p").build()));
    assertThat(got).isEqualTo(expected);
    assertThat(got.get("baggage")).contains("user=u-1;prop").contains("braintrust.parent=");
  }

  @Test
  void writesNothingOfItsOwnOutsideATrackedSpan() {
    assertThat(injected(inSpan(Context.root()))).isEmpty();
    assertThat(injected(Context.root())).isEmpty();
    Baggage own = Baggage.builder().put("braintrust.parent", "project_id:x").build();
    parents.put(SPAN_ID, "project_name:p");
    // The baggage's own parent wins over the span's.
    assertThat(injected(inSpan(Context.root().with(own))))
        .isEqualTo(w3cInjected(Context.root().with(own)));
  }

  @Test
  void readsWhatTheW3cPropagatorReadsHeaderAfterHeader() {
    List<List<String>> headers =
        List.of(
            List.of("braintrust.parent=project_name%3Aa"),
            List.of("braintrust.parent=project_name%3Aa"),
            List.of("braintrust.parent=project_name%3Ab,user=u;meta"),
            List.of("braintrust.parent=project_name%3Aa"),
            List.of("a=1", "b=2"),
            List.of("a=1"),
            List.of(""),
            List.of("=bad;;,"),
            List.of("=bad;;,"),
            List.of());
    Context base = Context.root().with(OTHER, "kept");
    for (List<String> values : headers) {
      Map<String, List<String>> carrier = values.isEmpty() ? Map.of() : Map.of("baggage", values);
      Context ours = propagator.extract(base, carrier, MULTI);
      Context theirs = W3C.extract(base, carrier, MULTI);
      assertThat(entries(Baggage.fromContext(ours)))
          .as("%s", values)
          .isEqualTo(entries(Baggage.fromContext(theirs)));
      assertThat(ours.get(OTHER)).isEqualTo("kept");
      assertThat(ours == base).as("context left as it was, %s", values).isEqualTo(theirs == base);
    }
  }

  private static Map<String, String> entries(Baggage b) {
    Map<String, String> m = new TreeMap<>();
    b.forEach(
        (String k, BaggageEntry e) -> m.put(k, e.getValue() + ";" + e.getMetadata().getValue()));
    return m;
  }
}
