package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializable;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.node.POJONode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * JSON text that goes into a row as it is: checked once ({@link JsonCheck}, strict, no tree and no
 * garbage), then its UTF-8 bytes copied into the request body. Instrumentation often records a
 * prompt as JSON text (the OTel {@code gen_ai.prompt} attribute, say); building a tree of it only
 * to write it again was most of the cost of such a span's row. The value comes as a {@link
 * POJONode}, as other lazy row values do, so every writer of rows (Jackson 2, or the Boot 4
 * starter's Jackson 3 bridge) writes it; a masker is handed its {@link #treeOf tree} (see {@code
 * EventMasking}).
 */
public final class RawJson implements JsonSerializable {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  // The UTF-8 bytes the check read, written as they are. Not also the text: once the row is built
  // the span it came from is let go, so a row waiting in the queue holds the content once (as many
  // bytes as a Latin-1 string has characters, for the ASCII of most prompts).
  private final byte[] utf8;

  private RawJson(byte[] utf8) {
    this.utf8 = utf8;
  }

  /**
   * The text as a row value when it is exactly one well-formed JSON object or array, else null.
   *
   * @param text candidate JSON text
   * @return a node that writes {@code text} as it is, or null
   */
  public static @Nullable JsonNode ofContainer(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return JsonCheck.isContainer(utf8) ? new POJONode(new RawJson(utf8)) : null;
  }

  /**
   * The length of {@code value}'s JSON when it is a raw value, else -1.
   *
   * @param value any row value
   * @return its length in UTF-8 bytes, or -1
   */
  public static int lengthOf(@Nullable Object value) {
    return value instanceof POJONode p && p.getPojo() instanceof RawJson r ? r.utf8.length : -1;
  }

  /**
   * {@code value} as a tree when it is a raw value, else {@code value} itself.
   *
   * @param value any row value
   * @return the value to hand to code that reads values
   */
  public static @Nullable Object treeOf(@Nullable Object value) {
    if (value instanceof POJONode p && p.getPojo() instanceof RawJson r) {
      try {
        return MAPPER.readTree(r.utf8);
      } catch (IOException checkedAlready) {
        throw new UncheckedIOException(checkedAlready);
      }
    }
    return value;
  }

  /**
   * Writes the value where a value is expected.
   *
   * @param gen the generator
   * @throws IOException as the generator does
   */
  public void writeTo(JsonGenerator gen) throws IOException {
    // A SerializableString, so a UTF-8 generator copies the bytes (writeRawValue(String) re-encodes
    // the text char by char, which cost more than parsing it had).
    gen.writeRawValue(new Bytes(utf8));
  }

  @Override
  public void serialize(JsonGenerator gen, SerializerProvider serializers) throws IOException {
    writeTo(gen);
  }

  @Override
  public void serializeWithType(
      JsonGenerator gen, SerializerProvider serializers, TypeSerializer typeSer)
      throws IOException {
    writeTo(gen);
  }

  @Override
  public String toString() {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  /** The bytes as a Jackson raw string: the UTF-8 forms copy them, the others go through text. */
  private static final class Bytes implements SerializableString {
    private final byte[] utf8;

    Bytes(byte[] utf8) {
      this.utf8 = utf8;
    }

    private SerializedString text() {
      return new SerializedString(getValue());
    }

    @Override
    public String getValue() {
      return new String(utf8, StandardCharsets.UTF_8);
    }

    @Override
    public int charLength() {
      return getValue().length();
    }

    @Override
    public char[] asQuotedChars() {
      return text().asQuotedChars();
    }

    @Override
    public byte[] asUnquotedUTF8() {
      return utf8;
    }

    @Override
    public byte[] asQuotedUTF8() {
      return text().asQuotedUTF8();
    }

    @Override
    public int appendQuotedUTF8(byte[] buffer, int offset) {
      return text().appendQuotedUTF8(buffer, offset);
    }

    @Override
    public int appendQuoted(char[] buffer, int offset) {
      return text().appendQuoted(buffer, offset);
    }

    @Override
    public int appendUnquotedUTF8(byte[] buffer, int offset) {
      if (offset + utf8.length > buffer.length) {
        return -1;
      }
      System.arraycopy(utf8, 0, buffer, offset, utf8.length);
      return utf8.length;
    }

    @Override
    public int appendUnquoted(char[] buffer, int offset) {
      return text().appendUnquoted(buffer, offset);
    }

    @Override
    public int writeQuotedUTF8(OutputStream out) throws IOException {
      return text().writeQuotedUTF8(out);
    }

    @Override
    public int writeUnquotedUTF8(OutputStream out) throws IOException {
      out.write(utf8);
      return utf8.length;
    }

    @Override
    public int putQuotedUTF8(ByteBuffer buffer) throws IOException {
      return text().putQuotedUTF8(buffer);
    }

    @Override
    public int putUnquotedUTF8(ByteBuffer buffer) throws IOException {
      if (utf8.length > buffer.remaining()) {
        return -1;
      }
      buffer.put(utf8);
      return utf8.length;
    }
  }
}
