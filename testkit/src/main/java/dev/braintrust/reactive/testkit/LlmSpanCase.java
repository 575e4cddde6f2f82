package dev.braintrust.reactive.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.testkit.internal.EventStreamFrames;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One case of the cross-SDK LLM span suite, as this project encodes it: the requests a test sends
 * through a wrapped provider client, the canned provider responses the testkit answers them with
 * (written in the provider's wire format), and the spans the stored rows must match (see {@link
 * SpanMatcher} for the rules and tags). The cases mirror the {@code
 * test/llm_span/<provider>/*.yaml} files of {@code braintrust-spec}; a case this project cannot run
 * yet carries the reason it is skipped.
 *
 * <p>Cases live in this module's resources under {@code llm-span/<provider>/<name>.json}, listed in
 * {@code llm-span/index.txt}.
 */
public final class LlmSpanCase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ROOT = "/dev/braintrust/reactive/testkit/llm-span/";

  private final String provider;
  private final String name;
  private final String endpoint;
  private final List<ObjectNode> requests;
  private final List<Response> responses;
  private final JsonNode expectedSpans;
  private final @Nullable String skipReason;

  /**
   * A canned provider response.
   *
   * @param contentType its content type
   * @param body its body, verbatim
   */
  public record Response(String contentType, String body) {}

  private LlmSpanCase(String provider, String name, JsonNode tree) {
    this.provider = provider;
    this.name = name;
    this.endpoint = tree.path("endpoint").asText();
    this.requests = new ArrayList<>();
    tree.path("requests").forEach(r -> requests.add((ObjectNode) r));
    this.responses = new ArrayList<>();
    tree.path("responses").forEach(r -> responses.add(response(r)));
    this.expectedSpans = tree.path("expected_spans");
    this.skipReason = tree.hasNonNull("skip") ? tree.get("skip").asText() : null;
  }

  /**
   * Every case of {@code provider} ({@code openai}, {@code anthropic}), in name order.
   *
   * @param provider the provider
   * @return its cases
   */
  public static List<LlmSpanCase> all(String provider) {
    List<LlmSpanCase> cases = new ArrayList<>();
    for (String entry : read("index.txt").split("\n")) {
      String e = entry.strip();
      if (e.startsWith(provider + "/")) {
        String name = e.substring(provider.length() + 1);
        try {
          cases.add(new LlmSpanCase(provider, name, JSON.readTree(read(e + ".json"))));
        } catch (IOException ex) {
          throw new UncheckedIOException("llm-span case " + e + " is not valid JSON", ex);
        }
      }
    }
    return cases;
  }

  private static String read(String path) {
    try (InputStream in = LlmSpanCase.class.getResourceAsStream(ROOT + path)) {
      Objects.requireNonNull(in, () -> "no llm-span resource " + path);
      try (BufferedReader r =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        return String.join("\n", r.lines().toList());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read llm-span resource " + path, e);
    }
  }

  /**
   * {@code json}: the object written compactly; {@code sse}: events; {@code eventstream}: AWS
   * event-stream messages ({@code {"event"|"exception": type, "payload": {...}}}); {@code raw}: as
   * given.
   */
  private static Response response(JsonNode r) {
    if (r.has("json")) {
      return new Response("application/json", r.get("json").toString());
    }
    if (r.has("sse")) {
      StringBuilder body = new StringBuilder();
      for (JsonNode e : r.get("sse")) {
        if (e.hasNonNull("event")) {
          body.append("event: ").append(e.get("event").asText()).append('\n');
        }
        JsonNode data = e.path("data");
        body.append("data: ").append(data.isTextual() ? data.asText() : data.toString());
        body.append("\n\n");
      }
      return new Response("text/event-stream", body.toString());
    }
    if (r.has("eventstream")) {
      // Bedrock's AWS event stream: the testkit encodes each item as one binary message.
      return new Response(EventStreamFrames.CONTENT_TYPE, r.get("eventstream").toString());
    }
    return new Response(r.path("content_type").asText(), r.path("raw").asText());
  }

  /**
   * The provider, e.g. {@code openai}.
   *
   * @return the provider
   */
  public String provider() {
    return provider;
  }

  /**
   * The case's name, e.g. {@code completions}.
   *
   * @return the case's name
   */
  public String name() {
    return name;
  }

  /**
   * The API endpoint, e.g. {@code /v1/chat/completions}.
   *
   * @return the API endpoint
   */
  public String endpoint() {
    return endpoint;
  }

  /**
   * The request bodies, one per call, in order.
   *
   * @return the request bodies
   */
  public List<ObjectNode> requests() {
    return requests.stream().map(ObjectNode::deepCopy).toList();
  }

  /**
   * The canned responses, one per request.
   *
   * @return the canned responses
   */
  public List<Response> responses() {
    return List.copyOf(responses);
  }

  /**
   * The expected spans, an array of shapes for {@link SpanMatcher#assertSpans}.
   *
   * @return the expected spans
   */
  public JsonNode expectedSpans() {
    return expectedSpans.deepCopy();
  }

  /**
   * Why the case is skipped, or null when it runs.
   *
   * @return why the case is skipped, or null
   */
  public @Nullable String skipReason() {
    return skipReason;
  }

  @Override
  public String toString() {
    return provider + "/" + name;
  }
}
