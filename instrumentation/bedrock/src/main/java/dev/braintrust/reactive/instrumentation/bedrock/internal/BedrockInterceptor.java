package dev.braintrust.reactive.instrumentation.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;

/**
 * The AWS SDK interceptor behind {@code BraintrustBedrock}. For {@code Converse} and {@code
 * ConverseStream} only: opens the span before execution (on the caller's thread, so it parents
 * under the caller's current span), records the marshalled request body once, copies the body of
 * the successful attempt as the SDK reads it, and ends the span when the execution succeeds, fails
 * or is cancelled. It returns every request, body and response it is given unchanged, and never
 * throws into the SDK.
 */
public final class BedrockInterceptor implements ExecutionInterceptor {
  /** The module name this interceptor's spans carry in {@code context.span_origin}. */
  public static final String INSTRUMENTATION = "instrumentation-bedrock";

  private static final LibraryLog LOG = LibraryLog.get(BedrockInterceptor.class);
  // One attribute for every instance: a second tracing interceptor on the same client sees the
  // first one's call and stays out, so a call is traced once.
  private static final ExecutionAttribute<Call> CALL =
      new ExecutionAttribute<>("braintrust.bedrock.call");
  private static final ExecutionAttribute<BedrockInterceptor> OWNER =
      new ExecutionAttribute<>("braintrust.bedrock.owner");

  /**
   * Where {@link AsyncClientProxy} collects the call its invocation starts: the SDK runs {@code
   * beforeExecution} on the calling thread, inside the proxy's invocation.
   */
  static final ThreadLocal<Call[]> HANDOFF = new ThreadLocal<>();

  private final Tracer tracer;

  /** An interceptor recording through {@code tracer}. */
  public BedrockInterceptor(Tracer tracer) {
    this.tracer = tracer.withDefaultInstrumentation(INSTRUMENTATION);
  }

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    try {
      if (attributes.getAttribute(CALL) != null) {
        return;
      }
      SdkRequest request = context.request();
      String modelId;
      boolean stream;
      if (request instanceof ConverseRequest r) {
        modelId = r.modelId();
        stream = false;
      } else if (request instanceof ConverseStreamRequest r) {
        modelId = r.modelId();
        stream = true;
      } else {
        return;
      }
      long start = System.nanoTime();
      Span span =
          tracer.startSpan(stream ? ConverseRows.STREAM : ConverseRows.CONVERSE, SpanType.LLM);
      Call call = new Call(span, stream, start, modelId == null ? "" : modelId);
      attributes.putAttribute(CALL, call);
      Call[] slot = HANDOFF.get();
      if (slot != null) {
        slot[0] = call;
      }
      attributes.putAttribute(OWNER, this);
    } catch (RuntimeException e) {
      LOG.warn("could not start a Bedrock span", e);
    }
  }

  @Override
  public void afterMarshalling(Context.AfterMarshalling context, ExecutionAttributes attributes) {
    Call call = mine(attributes);
    if (call == null) {
      return;
    }
    Span span = call.span();
    try {
      byte[] body = body(context);
      if (body != null && body.length > 0) {
        JsonNode json = ConverseRows.MAPPER.readTree(body);
        span.log(ConverseRows.request(call.modelId(), json));
      }
    } catch (Exception e) {
      LOG.warn("could not record a Bedrock request on span {}", span.name(), e);
    }
    // After the request's fields, so none of them can overwrite the prompt's provenance.
    PromptMetadata prompt = PromptMetadata.current();
    if (prompt != null) {
      try {
        span.metadata("prompt", prompt.toMap());
      } catch (RuntimeException e) {
        LOG.warn("could not record the prompt on span {}", span.name(), e);
      }
    }
  }

  @Override
  public Optional<InputStream> modifyHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Optional<InputStream> body = context.responseBody();
    Call call = mine(attributes);
    // Error bodies are the SDK's to parse into its exception; the span records that exception.
    if (call == null || body.isEmpty() || !context.httpResponse().isSuccessful()) {
      return body;
    }
    try {
      return Optional.of(BodyTee.of(body.get(), call));
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("could not follow a Bedrock response on span {}", call.span().name(), e);
      return body;
    }
  }

  @Override
  public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Optional<Publisher<ByteBuffer>> body = context.responsePublisher();
    Call call = mine(attributes);
    if (call == null || body.isEmpty() || !context.httpResponse().isSuccessful()) {
      return body;
    }
    try {
      return Optional.of(BodyTee.of(body.get(), call));
    } catch (RuntimeException | LinkageError e) {
      // E.g. an SDK without software.amazon.awssdk.eventstream: the call goes on, untraced output.
      LOG.warn("could not follow a Bedrock response on span {}", call.span().name(), e);
      return body;
    }
  }

  @Override
  public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
    Call call = mine(attributes);
    if (call != null) {
      call.succeed();
    }
  }

  @Override
  public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
    Call call = mine(attributes);
    if (call != null) {
      call.fail(context.exception());
    }
  }

  private @Nullable Call mine(ExecutionAttributes attributes) {
    return attributes.getAttribute(OWNER) == this ? attributes.getAttribute(CALL) : null;
  }

  /** The marshalled body: a sync request's, else the full request's content (async clients). */
  private static byte @Nullable [] body(Context.AfterMarshalling context) throws Exception {
    Optional<RequestBody> sync = context.requestBody();
    ContentStreamProvider provider = null;
    if (sync.isPresent()) {
      provider = sync.get().contentStreamProvider();
    } else if (context.httpRequest() instanceof SdkHttpFullRequest full) {
      provider = full.contentStreamProvider().orElse(null);
    }
    if (provider == null) {
      return null;
    }
    try (InputStream in = provider.newStream()) {
      return in.readAllBytes();
    }
  }
}
