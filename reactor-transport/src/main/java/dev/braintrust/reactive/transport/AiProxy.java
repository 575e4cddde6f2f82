package dev.braintrust.reactive.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.transport.internal.Json;
import dev.braintrust.reactive.transport.model.RenderedPrompt;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The Braintrust AI proxy: OpenAI-compatible chat completions (whole or streamed) and embeddings.
 * Obtained from {@link BraintrustClient#aiProxy()} or, traced, {@link
 * BraintrustClient#aiProxy(Tracer)}: then every call is an {@code llm} span with the messages as
 * input, the reply as output (choices) and token counts as metrics; its metadata is the model, the
 * provider the model name identifies and the request parameters the cross-SDK guide allows, never
 * the whole request.
 */
public final class AiProxy {
  private static final String CHAT = "/v1/proxy/chat/completions";

  /**
   * Names this client as the creator of its spans, in {@code context.span_origin.instrumentation}.
   */
  static final String INSTRUMENTATION_NAME = "reactor-transport-aiproxy";

  private final BraintrustClient client;
  private final @Nullable Tracer tracer;

  AiProxy(BraintrustClient client, @Nullable Tracer tracer) {
    this.client = client;
    this.tracer = tracer == null ? null : tracer.withDefaultInstrumentation(INSTRUMENTATION_NAME);
  }

  /**
   * {@code POST /v1/proxy/chat/completions}; {@code request} needs {@code model} and {@code
   * messages}.
   *
   * @param request the request body
   * @return the completion
   */
  public Mono<ChatCompletion> chatCompletion(Map<String, ?> request) {
    return chatCompletion(request, Map.of());
  }

  /**
   * A chat completion of a rendered prompt: its model, parameters and messages. Traced, the span's
   * metadata names the prompt ({@code prompt: {id, project_id, version, variables}}).
   */
  public Mono<ChatCompletion> chatCompletion(RenderedPrompt prompt) {
    return chatCompletion(prompt.chatRequest(), prompt.spanMetadata());
  }

  /** {@link #chatCompletionStream(Map)} of a rendered prompt, traced as the prompt's span. */
  public Flux<ChatCompletion> chatCompletionStream(RenderedPrompt prompt) {
    return chatCompletionStream(prompt.chatRequest(), prompt.spanMetadata());
  }

  /**
   * {@code POST /v1/proxy/credentials}: a temporary credential for the proxy, to hand to a browser
   * or another untrusted client instead of the API key. {@code model} restricts it to one model
   * when given.
   */
  public Mono<String> temporaryCredential(Duration ttl, @Nullable String model) {
    Objects.requireNonNull(ttl, "ttl");
    if (ttl.getSeconds() <= 0) {
      return Mono.error(new IllegalArgumentException("ttl must be at least 1 s, got " + ttl));
    }
    ObjectNode body = Json.MAPPER.createObjectNode().put("ttl_seconds", ttl.getSeconds());
    if (model != null) {
      body.put("model", model);
    }
    return client
        .postReply("/v1/proxy/credentials", body)
        .map(
            r -> {
              String key = r.text("key");
              if (key.isEmpty()) {
                throw r.malformed("a non-empty temporary credential in 'key'");
              }
              return key;
            });
  }

  private Mono<ChatCompletion> chatCompletion(Map<String, ?> request, Map<String, ?> extra) {
    ObjectNode body = body(request);
    body.put("stream", false);
    Mono<ChatCompletion> call =
        client
            .postReply(CHAT, body)
            .map(
                r -> {
                  r.array("choices");
                  return new ChatCompletion(r.json(), false);
                });
    if (tracer == null) {
      return call;
    }
    return tracer.mono(
        "Chat Completion",
        SpanType.LLM,
        span -> {
          span.log(ProxyRows.request(body, extra).build());
          return call.doOnNext(
              c -> {
                Log.Builder b =
                    Log.builder()
                        .output(c.json().path("choices"))
                        .metrics(usage(c.json().path("usage")));
                ProxyRows.resolvedModel(b, body, c.json());
                span.log(b.build());
              });
        });
  }

  /**
   * The same with {@code stream: true}: chunks parsed from Server-Sent Events until {@code [DONE]}.
   * Cancelling closes the connection. Traced, the span's output is the chunks assembled into the
   * {@code choices} a whole completion has (text joined, tool calls joined from their fragments),
   * and {@code time_to_first_token} is taken at the first chunk with content.
   *
   * @param request the request body
   * @return the chunks, as they arrive
   */
  public Flux<ChatCompletion> chatCompletionStream(Map<String, ?> request) {
    return chatCompletionStream(request, Map.of());
  }

  private Flux<ChatCompletion> chatCompletionStream(Map<String, ?> request, Map<String, ?> extra) {
    ObjectNode body = body(request);
    body.put("stream", true);
    Flux<ChatCompletion> call =
        client
            .sse(CHAT, body)
            .map(
                d -> {
                  JsonNode j = client.parseEvent(CHAT, d);
                  if (!j.isObject() || (j.has("choices") && !j.get("choices").isArray())) {
                    throw client.malformedEvent(CHAT, d, "chunks with a 'choices' array");
                  }
                  return new ChatCompletion(j, true);
                });
    if (tracer == null) {
      return call;
    }
    return tracer.flux(
        "Chat Completion",
        SpanType.LLM,
        span -> {
          span.log(ProxyRows.request(body, extra).build());
          ProxyRows.Assembly assembly = new ProxyRows.Assembly();
          // A lock, not a monitor: recording may wait for room in the exporter's buffer, and a
          // virtual thread must not pin its carrier while it does.
          ReentrantLock lock = new ReentrantLock();
          long start = System.nanoTime();
          boolean[] first = {true};
          JsonNode[] last = {null, null}; // the last usage and model seen
          return call.doOnNext(
                  c -> {
                    lock.lock();
                    try {
                      // The first token is the first chunk with content: OpenAI-style streams
                      // open with a role-only delta, which is no token.
                      if (first[0] && ProxyRows.contentBearing(c.json())) {
                        first[0] = false;
                        span.metric("time_to_first_token", (System.nanoTime() - start) / 1e9);
                      }
                      assembly.add(c.json());
                      if (c.json().has("usage") && !c.json().get("usage").isNull()) {
                        last[0] = c.json().get("usage");
                      }
                      if (c.json().path("model").isTextual()) {
                        last[1] = c.json().get("model");
                      }
                    } finally {
                      lock.unlock();
                    }
                  })
              .doOnTerminate(() -> record(span, lock, body, assembly, last))
              .doOnCancel(() -> record(span, lock, body, assembly, last));
        });
  }

  private static void record(
      Span span,
      ReentrantLock lock,
      ObjectNode body,
      ProxyRows.Assembly assembly,
      @Nullable JsonNode[] last) {
    lock.lock();
    try {
      Log.Builder b = Log.builder().output(assembly.output());
      if (last[0] != null) {
        b.metrics(usage(last[0]));
      }
      if (last[1] != null) {
        ProxyRows.resolvedModel(b, body, Json.MAPPER.createObjectNode().set("model", last[1]));
      }
      span.log(b.build());
    } finally {
      lock.unlock();
    }
  }

  /**
   * {@code POST /v1/proxy/embeddings}.
   *
   * @param model the embeddings model
   * @param input the texts to embed
   * @return the response body
   */
  public Mono<JsonNode> embeddings(String model, List<String> input) {
    Objects.requireNonNull(model, "model");
    ObjectNode body = Json.MAPPER.createObjectNode().put("model", model);
    body.set("input", Json.MAPPER.valueToTree(List.copyOf(input)));
    Mono<JsonNode> call = client.post("/v1/proxy/embeddings", body);
    if (tracer == null) {
      return call;
    }
    return tracer.mono(
        "Embedding",
        SpanType.LLM,
        span -> {
          Log.Builder b = Log.builder().input(input).metadata("model", model);
          String provider = ProxyRows.provider(model);
          if (provider != null) {
            b.metadata("provider", provider);
          }
          span.log(b.build());
          return call.doOnNext(
              r ->
                  span.log(
                      Log.builder()
                          .output(Map.of("embeddings", r.path("data").size()))
                          .metrics(usage(r.path("usage")))
                          .build()));
        });
  }

  private static ObjectNode body(Map<String, ?> request) {
    Objects.requireNonNull(request, "request");
    ObjectNode body = Json.MAPPER.valueToTree(request);
    if (!body.hasNonNull("model") || !body.path("messages").isArray()) {
      throw new IllegalArgumentException(
          "a chat completion request needs 'model' and a 'messages' array");
    }
    return body;
  }

  private static Map<String, Number> usage(JsonNode usage) {
    Map<String, Number> m = new java.util.LinkedHashMap<>();
    if (usage.has("prompt_tokens")) {
      m.put("prompt_tokens", usage.get("prompt_tokens").asLong());
    }
    if (usage.has("completion_tokens")) {
      m.put("completion_tokens", usage.get("completion_tokens").asLong());
    }
    if (usage.has("total_tokens")) {
      m.put("tokens", usage.get("total_tokens").asLong());
    }
    JsonNode cached = usage.path("prompt_tokens_details").path("cached_tokens");
    if (cached.isNumber()) {
      m.put("prompt_cached_tokens", cached.asLong());
    }
    JsonNode reasoning = usage.path("completion_tokens_details").path("reasoning_tokens");
    if (reasoning.isNumber()) {
      m.put("completion_reasoning_tokens", reasoning.asLong());
    }
    return m;
  }
}
