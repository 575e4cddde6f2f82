package dev.braintrust.reactive.spring.boot4;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.TreeNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * A Jackson 2 mapper, as the exporter takes, that writes user values with the application's Jackson
 * 3 {@link JsonMapper} (its modules, naming and inclusion settings), so the core modules never
 * depend on Jackson 3. Each value goes through Jackson 3 to JSON and is read back as a Jackson 2
 * tree: the exporter then writes it as it writes any tree. Jackson 2 trees and values that write
 * themselves with Jackson 2 ({@link JsonSerializable}: the rows the LLM client wrappers build on
 * the exporter's thread) are written directly; Jackson 3 knows nothing of them and wrote them as
 * {@code {}}.
 */
final class Jackson3UserValues extends ObjectMapper {
  private static final long serialVersionUID = 1L;

  // Not serialisable and never serialised: this mapper lives only inside one exporter.
  private final transient JsonMapper json;

  Jackson3UserValues(JsonMapper json) {
    this.json = json;
  }

  @Override
  public ObjectMapper copy() {
    // ObjectMapper refuses to copy a subclass that doesn't override this.
    return new Jackson3UserValues(json);
  }

  @Override
  public void writeValue(JsonGenerator g, Object value) throws IOException {
    if (ownJackson2(value)) {
      super.writeValue(g, value);
      return;
    }
    JsonNode tree;
    try {
      tree = readTree(json.writeValueAsBytes(value));
    } catch (JacksonException e) {
      throw JsonMappingException.from(g, e.getOriginalMessage(), e);
    }
    writeTree(g, tree);
  }

  /** A Jackson 2 tree, or a value that writes itself with Jackson 2. */
  private static boolean ownJackson2(Object value) {
    return value instanceof TreeNode || value instanceof JsonSerializable;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T extends JsonNode> T valueToTree(Object value) {
    if (value == null || ownJackson2(value)) {
      return super.valueToTree(value);
    }
    try {
      return (T) readTree(json.writeValueAsBytes(value));
    } catch (JacksonException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }
}
