package dev.braintrust.reactive.instrumentation.bedrock.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.attachment.Attachment;
import dev.braintrust.reactive.core.internal.MemoJson;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.document.Document;
import software.amazon.awssdk.core.protocol.MarshallLocation;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;

/**
 * The SDK's modeled requests and responses as the JSON the wire carries (payload members under
 * their wire names, bytes in base64), built only when the exporter writes the row: the caller's
 * thread keeps a reference to the immutable model object, and the conversion runs on the exporter's
 * encoder thread.
 */
final class SdkJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SdkJson() {}

  /**
   * A value written as {@code shape} applied to the wire JSON of {@code model}, computed when first
   * written and kept, so a row written twice (a retried batch) converts once.
   */
  static Lazy lazy(Memo memo, Function<JsonNode, @Nullable JsonNode> shape) {
    return new Lazy(memo, shape);
  }

  /**
   * The wire JSON of one model object, converted once, on first use; the byte sources in {@code
   * media} as their attachments ({@link MediaJson#leaf}), never encoded when they were uploaded.
   */
  static final class Memo {
    private final SdkPojo model;
    private final Map<SdkBytes, Attachment> media;
    private volatile @Nullable JsonNode tree;

    Memo(SdkPojo model) {
      this(model, Map.of());
    }

    Memo(SdkPojo model, Map<SdkBytes, Attachment> media) {
      this.model = model;
      this.media = media;
    }

    JsonNode tree() {
      JsonNode t = tree;
      if (t == null) {
        t = SdkJson.tree(model, media);
        tree = t;
      }
      return t;
    }
  }

  /** A row value Jackson writes by converting the model then; see {@link #lazy}. */
  static final class Lazy extends MemoJson<JsonNode> {
    private final Memo memo;
    private final Function<JsonNode, @Nullable JsonNode> shape;

    private Lazy(Memo memo, Function<JsonNode, @Nullable JsonNode> shape) {
      this.memo = memo;
      this.shape = shape;
    }

    @Override
    protected JsonNode build() {
      JsonNode shaped = shape.apply(memo.tree());
      return shaped == null ? NODES.nullNode() : shaped;
    }
  }

  /** The wire JSON of a model value. */
  static JsonNode tree(@Nullable Object v) {
    return tree(v, Map.of());
  }

  private static JsonNode tree(@Nullable Object v, Map<SdkBytes, Attachment> media) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof SdkPojo pojo) {
      ObjectNode out = NODES.objectNode();
      for (SdkField<?> f : pojo.sdkFields()) {
        if (f.location() != MarshallLocation.PAYLOAD) {
          continue;
        }
        Object value = f.getValueOrDefault(pojo);
        if (value == null
            || value instanceof SdkAutoConstructList
            || value instanceof SdkAutoConstructMap) {
          continue;
        }
        out.set(f.locationName(), tree(value, media));
      }
      return out;
    }
    if (v instanceof String s) {
      return NODES.textNode(s);
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Integer i) {
      return NODES.numberNode(i);
    }
    if (v instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (v instanceof Float x) {
      return NODES.numberNode(x);
    }
    if (v instanceof Double d) {
      return NODES.numberNode(d);
    }
    if (v instanceof SdkBytes bytes) {
      Attachment a = media.isEmpty() ? null : media.get(bytes);
      if (a != null) {
        return MediaJson.leaf(a, bytes);
      }
      return NODES.textNode(Base64.getEncoder().encodeToString(bytes.asByteArrayUnsafe()));
    }
    if (v instanceof Document d) {
      return document(d);
    }
    if (v instanceof Instant t) {
      return NODES.numberNode(t.toEpochMilli() / 1000.0);
    }
    if (v instanceof List<?> list) {
      ArrayNode out = NODES.arrayNode();
      list.forEach(e -> out.add(tree(e, media)));
      return out;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode out = NODES.objectNode();
      map.forEach((k, e) -> out.set(String.valueOf(k), tree(e, media)));
      return out;
    }
    return NODES.textNode(v.toString());
  }

  private static JsonNode document(Document d) {
    if (d.isMap()) {
      ObjectNode out = NODES.objectNode();
      d.asMap().forEach((k, e) -> out.set(k, document(e)));
      return out;
    }
    if (d.isList()) {
      ArrayNode out = NODES.arrayNode();
      d.asList().forEach(e -> out.add(document(e)));
      return out;
    }
    if (d.isString()) {
      return NODES.textNode(d.asString());
    }
    if (d.isNumber()) {
      return NODES.numberNode(d.asNumber().bigDecimalValue());
    }
    if (d.isBoolean()) {
      return NODES.booleanNode(d.asBoolean());
    }
    return NODES.nullNode();
  }
}
