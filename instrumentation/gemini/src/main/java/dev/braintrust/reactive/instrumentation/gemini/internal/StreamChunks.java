package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.internal.MemoJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The chunks of a {@code streamGenerateContent} response as received, folded into one response (see
 * {@link StreamAssembler}) only when the exporter writes the row. On the reading thread each chunk
 * is only scanned (see {@link JsonScan}) for what must be known at once: whether it carries content
 * (for {@code time_to_first_token}), and its token counts and answering model, of which a stream's
 * latest are the response's. Not thread-safe; {@link CallRecorder} guards it.
 */
final class StreamChunks {
  private final List<Chunk> chunks = new ArrayList<>();
  private long @Nullable [] counts;
  private @Nullable String version;

  /** One chunk: the JSON text from {@code start} to {@code end} of an event's line, as read. */
  private record Chunk(byte[] line, int start, int end) {}

  /**
   * Adds one chunk, the UTF-8 JSON text from {@code start} to {@code end} of {@code line} (kept,
   * not copied); returns whether it carried content (a non-empty part), for time to first token.
   *
   * @throws IOException if the text is not a JSON object (the SDK tells the caller; the chunk is
   *     left out, as a full parse would leave it)
   */
  boolean add(byte[] line, int start, int end) throws IOException {
    long @Nullable [] chunkCounts = null;
    @Nullable String chunkVersion = null;
    boolean content = false;
    JsonScan s = JsonScan.of(line, start, end);
    s.enterObject();
    for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
      if (s.nameIs(name, "candidates") && s.valueStart() == '[') {
        content = candidates(s);
      } else if (s.nameIs(name, "usageMetadata") && s.valueStart() == '{') {
        chunkCounts = GeminiRows.counts();
        WireScan.usage(s, chunkCounts);
      } else if (s.nameIs(name, "modelVersion")) {
        chunkVersion = s.string();
      } else {
        s.skipValue();
      }
    }
    chunks.add(new Chunk(line, start, end));
    if (chunkCounts != null) {
      counts = chunkCounts;
    }
    if (chunkVersion != null) {
      version = chunkVersion;
    }
    return content;
  }

  /** Whether any candidate's content has a part that is a non-empty object. */
  private static boolean candidates(JsonScan s) throws IOException {
    boolean content = false;
    s.enterArray();
    while (s.nextElement()) {
      if (s.valueStart() != '{') {
        s.skipValue();
        continue;
      }
      s.enterObject();
      for (int name = s.nextMember(); name >= 0; name = s.nextMember()) {
        if (s.nameIs(name, "content") && s.valueStart() == '{') {
          s.enterObject();
          for (int c = s.nextMember(); c >= 0; c = s.nextMember()) {
            if (s.nameIs(c, "parts") && s.valueStart() == '[') {
              s.enterArray();
              while (s.nextElement()) {
                if (s.valueStart() == '{') {
                  s.enterObject();
                  if (s.nextMember() >= 0) {
                    content = true;
                    s.skipValue();
                    while (s.nextMember() >= 0) {
                      s.skipValue();
                    }
                  }
                } else {
                  s.skipValue();
                }
              }
            } else {
              s.skipValue();
            }
          }
        } else {
          s.skipValue();
        }
      }
    }
    return content;
  }

  /** Whether no chunk has arrived. */
  boolean isEmpty() {
    return chunks.isEmpty();
  }

  /**
   * Adds the folded response as the output (built when written), the latest token counts as metrics
   * and the latest answering model to {@code log}.
   */
  Log.Builder record(Log.Builder log) {
    log.output(new Folded(List.copyOf(chunks)));
    if (counts != null) {
      GeminiRows.usage(counts, log);
    }
    if (version != null && !version.isEmpty()) {
      log.metadata("model", version);
    }
    return log;
  }

  /** The chunks folded into one response when first written; a retried batch folds once. */
  private static final class Folded extends MemoJson<ObjectNode> {
    private final List<Chunk> chunks;

    Folded(List<Chunk> chunks) {
      this.chunks = chunks;
    }

    @Override
    protected ObjectNode build() {
      StreamAssembler assembler = new StreamAssembler();
      for (Chunk chunk : chunks) {
        try {
          JsonNode tree =
              GeminiRows.MAPPER.readTree(chunk.line(), chunk.start(), chunk.end() - chunk.start());
          if (tree != null) {
            assembler.add(tree);
          }
        } catch (IOException e) {
          // Scanned as JSON when it arrived; a parser that disagrees leaves the chunk out.
        }
      }
      return assembler.snapshot();
    }
  }
}
