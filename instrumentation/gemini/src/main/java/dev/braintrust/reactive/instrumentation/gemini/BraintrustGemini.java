package dev.braintrust.reactive.instrumentation.gemini;

import com.google.genai.Client;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.instrumentation.gemini.internal.GeminiTracing;
import java.util.Objects;

/**
 * Traces a Google Gen AI Java SDK client: every {@code models.generateContent(...)}, {@code
 * models.generateContentStream(...)} and {@code models.embedContent(...)}, blocking or through
 * {@code client.async.models}, and the chats built on them, becomes an {@code llm} span, child of
 * the span current on the calling thread.
 *
 * <pre>{@code
 * Client client = BraintrustGemini.wrap(Client.builder().apiKey(key).build(), tracer);
 * GenerateContentResponse reply = client.models.generateContent("gemini-2.5-flash", "Hi", null);
 * }</pre>
 *
 * <p>The span's {@code input} is Google's own request shape, {@code {model, contents}} (and {@code
 * systemInstruction} when given); {@code output} the response as the API sent it (for streams, the
 * chunks folded into one response); {@code metadata} holds {@code provider} ({@code google}, or
 * {@code vertex} for a Vertex AI client), the model the API answered with, the allowlisted
 * generation settings ({@code temperature}, {@code top_p}, {@code max_tokens}, {@code stop}, ...)
 * and the tools and tool choice in the OpenAI shape; {@code metrics} hold the token counts from
 * {@code usageMetadata} and, for streams, {@code time_to_first_token}. Errors are recorded on the
 * span and rethrown unchanged. Inline media of a request ({@code inlineData} parts: images, PDFs,
 * audio, video) are uploaded as attachments and the row's parts reference them ({@code image_url}
 * for an image, {@code file} for anything else); a medium not uploaded stays inline as sent.
 *
 * <p>The client is instrumented in place (its model and chat services are pointed at a tracing
 * transport that forwards every request unchanged) and returned; the request bytes sent and the
 * response bytes read are the same as without the wrapper. A streamed call's span ends when the
 * stream is read to its end, fails or is closed, so close streams you stop reading. Other services
 * (files, caches, batches, live, interactions) pass through untraced.
 */
public final class BraintrustGemini {
  private BraintrustGemini() {}

  /**
   * Makes {@code client} trace its model calls through {@code tracer}, and returns it; wrapping
   * twice traces once, with the newer tracer.
   *
   * @param client the client to instrument
   * @param tracer the tracer to record spans with
   * @return {@code client}, now tracing
   * @throws IllegalStateException if this SDK version's internals could not be reached (the client
   *     is then left as it was)
   */
  public static Client wrap(Client client, Tracer tracer) {
    Objects.requireNonNull(client, "client");
    Objects.requireNonNull(tracer, "tracer");
    return GeminiTracing.instrument(client, tracer);
  }
}
