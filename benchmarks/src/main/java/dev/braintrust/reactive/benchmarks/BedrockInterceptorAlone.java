package dev.braintrust.reactive.benchmarks;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.instrumentation.bedrock.BraintrustBedrock;
import java.net.URI;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.InterceptorContext;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.StopReason;

/**
 * The Bedrock wrapper alone, without the SDK's own work (marshalling, signing, unmarshalling) or a
 * network: the wrapper is an execution interceptor, and of its hooks a sync {@code converse} runs
 * two on the caller's thread, {@code beforeExecution} with the request and {@code afterExecution}
 * with the parsed response. Each call here makes a fresh {@link ExecutionAttributes} and the SDK's
 * own {@link InterceptorContext}s for the benchmark's request and reply (built once), and runs
 * those two hooks of the tracing interceptor, or of an interceptor that does nothing, which is what
 * an unwrapped client's SDK pays for them. With a call of a few µs instead of a few hundred, the
 * caller-CPU difference stands out of a loaded machine's noise.
 */
final class BedrockInterceptorAlone implements WrapperInterleaved.Alone {
  private static final ConverseResponse RESPONSE =
      ConverseResponse.builder()
          .output(
              ConverseOutput.fromMessage(
                  Message.builder()
                      .role(ConversationRole.ASSISTANT)
                      .content(ContentBlock.fromText(Workload.ANSWER))
                      .build()))
          .stopReason(StopReason.END_TURN)
          .usage(u -> u.inputTokens(250).outputTokens(120).totalTokens(370))
          .metrics(m -> m.latencyMs(900L))
          .build();

  private static final SdkHttpRequest HTTP_REQUEST =
      SdkHttpRequest.builder()
          .method(SdkHttpMethod.POST)
          .uri(URI.create("https://bedrock-runtime.us-east-1.amazonaws.com/model/nova/converse"))
          .build();

  private static final SdkHttpResponse HTTP_RESPONSE =
      SdkHttpResponse.builder().statusCode(200).build();

  private final BraintrustExporter exporter = Loopback.ackingExporter(100_000);
  private final ExecutionInterceptor plain = new ExecutionInterceptor() {};
  private final ExecutionInterceptor traced =
      BraintrustBedrock.interceptor(Tracer.create(exporter, Destination.projectLogs("bench")));

  @Override
  public Object unwrapped() {
    return call(plain);
  }

  @Override
  public Object wrapped() {
    return call(traced);
  }

  private static Object call(ExecutionInterceptor interceptor) {
    ExecutionAttributes attributes = new ExecutionAttributes();
    InterceptorContext before =
        InterceptorContext.builder().request(BedrockWrapperBenchmark.REQUEST).build();
    interceptor.beforeExecution(before, attributes);
    InterceptorContext after =
        before.toBuilder()
            .httpRequest(HTTP_REQUEST)
            .httpResponse(HTTP_RESPONSE)
            .response(RESPONSE)
            .build();
    interceptor.afterExecution(after, attributes);
    return after;
  }

  @Override
  public void flush() {
    WrapperInterleaved.flush(exporter);
  }

  @Override
  public void close() {
    exporter.close();
  }
}
