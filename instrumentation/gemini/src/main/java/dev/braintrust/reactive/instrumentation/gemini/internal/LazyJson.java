package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.braintrust.reactive.core.internal.MemoJson;
import java.io.IOException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * JSON text as it was sent or received, parsed into a tree only when the exporter writes the row:
 * the caller's thread keeps a reference to the request body (immutable once sent) or to the bytes
 * read, and the tree is built on the exporter's encoder thread. A call's request and response then
 * cost the caller a scan for the few fields that must be known at once (settings, token counts),
 * not a tree of everything sent and received.
 */
final class LazyJson {
  private LazyJson() {}

  /** One JSON document, parsed once, on first use; the text is dropped once parsed. */
  static final class Source {
    // A String or a byte[] (its first `size` bytes); null once parsed.
    private @Nullable Object text;
    private final int size;
    private @Nullable JsonNode tree;

    /** A request body: a {@code String}, or UTF-8 bytes filling a {@code byte[]}. */
    Source(Object text) {
      this.text = text;
      this.size = text instanceof byte[] b ? b.length : -1;
    }

    /** The first {@code size} bytes of {@code bytes}, kept, not copied. */
    Source(byte[] bytes, int size) {
      this.text = bytes;
      this.size = size;
    }

    /** The document as a tree, or a null node if it is not JSON (the caller was told already). */
    synchronized JsonNode tree() {
      JsonNode t = tree;
      if (t == null) {
        t = parse(text, size);
        tree = t;
        text = null;
      }
      return t;
    }

    private static JsonNode parse(@Nullable Object text, int size) {
      try {
        JsonNode t;
        if (text instanceof String s) {
          t = GeminiRows.MAPPER.readTree(s);
        } else if (text instanceof byte[] b) {
          t = GeminiRows.MAPPER.readTree(b, 0, size);
        } else {
          t = null;
        }
        return t == null ? NullNode.getInstance() : t;
      } catch (IOException e) {
        return NullNode.getInstance();
      }
    }
  }

  /** A row value Jackson writes as {@code shape} applied to the parsed source. */
  static final class Value extends MemoJson<JsonNode> {
    private final Source source;
    private final Function<JsonNode, @Nullable JsonNode> shape;

    Value(Source source, Function<JsonNode, @Nullable JsonNode> shape) {
      this.source = source;
      this.shape = shape;
    }

    @Override
    protected JsonNode build() {
      JsonNode shaped = shape.apply(source.tree());
      return shaped == null ? NullNode.getInstance() : shaped;
    }
  }
}
