package dev.braintrust.reactive.instrumentation.bedrock.internal;

import dev.braintrust.reactive.core.PromptMetadata;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.internal.LibraryLog;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;

/**
 * The AWS SDK interceptor behind {@code BraintrustBedrock}. For {@code Converse} and {@code
 * ConverseStream} only: opens the span before execution (on the thread starting the call, which for
 * the SDK's own clients is the caller's, so it parents under the caller's current span) with the
 * request, records the SDK's parsed reply, follows a stream's bytes, and ends the span when the
 * execution succeeds, fails or is cancelled. The caller's thread only keeps references: the request
 * and reply are converted to the row's JSON when the exporter writes it. It returns every request,
 * body and response it is given unchanged, and never throws into the SDK.
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
   * Put on a request's override configuration by {@link AsyncClientProxy}: the SDK merges it into
   * the execution's attributes, so {@code beforeExecution} finds it on whatever thread it runs
   * (unlike a thread-local, which a decorator dispatching the call elsewhere would lose).
   */
  static final ExecutionAttribute<CancelLink> LINK =
      new ExecutionAttribute<>("braintrust.bedrock.cancel-link");

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
      String model = modelId == null ? "" : modelId;
      Call call = new Call(span, stream, start, model);
      record(span, model, request);
      attributes.putAttribute(CALL, call);
      attributes.putAttribute(OWNER, this);
      // Last: a cancel the proxy already heard ends the call here and now.
      CancelLink link = attributes.getAttribute(LINK);
      if (link != null) {
        link.attach(call);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not start a Bedrock span", e);
    }
  }

  /** The request's input and parameters, then the current prompt's provenance, if any. */
  private static void record(Span span, String modelId, SdkRequest request) {
    try {
      if (request instanceof ConverseRequest r) {
        span.log(
            ConverseRows.request(
                modelId, r, r.messages(), r.system(), r.inferenceConfig(), r.toolConfig()));
      } else if (request instanceof ConverseStreamRequest r) {
        span.log(
            ConverseRows.request(
                modelId, r, r.messages(), r.system(), r.inferenceConfig(), r.toolConfig()));
      }
    } catch (RuntimeException | LinkageError e) {
      // LinkageError: an SDK older or newer than the one this module was built with.
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
  public Optional<Publisher<ByteBuffer>> modifyAsyncHttpResponseContent(
      Context.ModifyHttpResponse context, ExecutionAttributes attributes) {
    Optional<Publisher<ByteBuffer>> body = context.responsePublisher();
    Call call = mine(attributes);
    // Whole replies are recorded from the SDK's parsed response; only streams are followed. Error
    // bodies are the SDK's to parse into its exception, which the span records.
    if (call == null
        || !call.stream()
        || body.isEmpty()
        || !context.httpResponse().isSuccessful()) {
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
      call.succeed(context.response());
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
}
