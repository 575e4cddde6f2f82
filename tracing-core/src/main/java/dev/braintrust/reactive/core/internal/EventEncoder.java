package dev.braintrust.reactive.core.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.braintrust.reactive.core.BraintrustEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes {@link BraintrustEvent}s as insert-API JSON rows.
 *
 * <p>The fast path streams the whole row in one pass. If a user value can't be written (a cycle, a
 * throwing getter, an unsupported type) the row is written again field by field: each failing value
 * is replaced by a string saying why, the reasons are listed under {@code
 * metadata.serialization_errors}, and the rest of the row is kept.
 */
public final class EventEncoder {
  /** The metadata key listing values that could not be written. */
  public static final String ERRORS_KEY = "serialization_errors";

  private final ObjectMapper mapper;
  // The library's own mapper writes boxed numbers and booleans as the generator does, and escapes
  // nothing in printable ASCII; a caller's may have serializers or escapes of its own.
  private final boolean plainScalars;

  /** An encoder with the library's Jackson settings. */
  public EventEncoder() {
    this(defaultMapper(), true);
  }

  /** An encoder with a caller's mapper (its modules and settings apply to user values). */
  public EventEncoder(ObjectMapper mapper) {
    this(mapper, false);
  }

  private EventEncoder(ObjectMapper mapper, boolean plainScalars) {
    this.mapper = mapper;
    this.plainScalars = plainScalars;
  }

  /** The library's mapper: lenient with empty beans, java.time written as ISO strings. */
  public static ObjectMapper defaultMapper() {
    SimpleModule time = new SimpleModule("braintrust-java-time");
    time.addSerializer(TemporalAccessor.class, ToStringSerializer.instance);
    time.addSerializer(TemporalAmount.class, ToStringSerializer.instance);
    time.addSerializer(ZoneId.class, ToStringSerializer.instance);
    return JsonMapper.builder()
        .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
        .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
        .addModule(time)
        .build();
  }

  /** The mapper used for user values. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** The encoded row and the problems met writing it. */
  public static final class Encoded {
    private final byte[] json;
    private final List<String> errors;

    Encoded(byte[] json, List<String> errors) {
      this.json = json;
      this.errors = errors;
    }

    /** UTF-8 JSON of the row. */
    public byte[] json() {
      return json;
    }

    /** One message per value that was replaced; empty when the row was written as given. */
    public List<String> errors() {
      return errors;
    }
  }

  /** Encodes one event; never throws for bad user values. */
  public Encoded encode(BraintrustEvent event) {
    RowBuffer out = new RowBuffer(1024);
    List<String> errors = encodeTo(event, out);
    return new Encoded(Arrays.copyOf(out.array(), out.length()), errors);
  }

  /**
   * Appends the event's row to {@code out}, returning the problems met (empty when the row was
   * written as given). A failed fast pass is cut out of the buffer before the safe pass.
   */
  public List<String> encodeTo(BraintrustEvent event, RowBuffer out) {
    int start = out.length();
    // A deferred row's content is built here, on the exporter's thread (once: a row encoded again
    // for the next chunk reuses it).
    String failed = EventAccess.failureOf(event);
    event = EventAccess.resolve(event);
    try {
      writeFast(event, out);
      return failed == null ? List.of() : List.of(failed);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      // The generator stopped mid-row and may still hold some of it: never reuse it.
      out.generator = null;
      out.truncate(start);
      Encoded safe = writeSafe(event);
      out.write(safe.json(), 0, safe.json().length);
      if (failed == null) {
        return safe.errors();
      }
      List<String> all = new ArrayList<>(safe.errors());
      all.add(failed);
      return all;
    }
  }

  private void writeFast(BraintrustEvent e, RowBuffer out) throws IOException {
    JsonGenerator g = generator(out);
    g.writeStartObject();
    writeHeader(g, e, out.scratch);
    if (e.hasInput()) {
      writeUser(g, INPUT, e.input());
    }
    if (e.hasOutput()) {
      writeUser(g, OUTPUT, e.output());
    }
    if (e.hasExpected()) {
      writeUser(g, EXPECTED, e.expected());
    }
    if (e.hasError()) {
      writeUser(g, ERROR, e.error());
    }
    writeScores(g, e.scores());
    if (!e.metadata().isEmpty()) {
      g.writeFieldName(METADATA);
      g.writeStartObject();
      for (Map.Entry<String, @Nullable Object> m : e.metadata().entrySet()) {
        SerializedString name = plainScalars ? FieldNames.of(m.getKey()) : null;
        if (name != null) {
          writeUser(g, name, m.getValue());
        } else {
          writeUser(g, m.getKey(), m.getValue());
        }
      }
      g.writeEndObject();
    }
    if (hasContext(e)) {
      g.writeFieldName(CONTEXT);
      g.writeStartObject();
      for (Map.Entry<String, @Nullable Object> c : e.context().entrySet()) {
        writeUser(g, c.getKey(), c.getValue());
      }
      writeOrigin(g, e);
      g.writeEndObject();
    }
    writeTail(g, e, out.chars);
    g.writeEndObject();
    g.flush();
  }

  /** The buffer's generator, made on its first row (one per row was a fifth of encoding). */
  private JsonGenerator generator(RowBuffer out) throws IOException {
    JsonGenerator g = out.generator;
    if (g == null || out.generatorOwner != this) {
      g = mapper.getFactory().createGenerator(out);
      // Rows follow each other in the buffer with nothing between them.
      g.setRootValueSeparator(null);
      out.generator = g;
      out.generatorOwner = this;
    }
    return g;
  }

  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString CREATED = new SerializedString("created");
  private static final SerializedString SPAN_ID = new SerializedString("span_id");
  private static final SerializedString ROOT_SPAN_ID = new SerializedString("root_span_id");
  private static final SerializedString SPAN_PARENTS = new SerializedString("span_parents");
  private static final SerializedString SPAN_ATTRIBUTES = new SerializedString("span_attributes");
  private static final SerializedString NAME = new SerializedString("name");
  private static final SerializedString TYPE = new SerializedString("type");
  private static final SerializedString INPUT = new SerializedString("input");
  private static final SerializedString OUTPUT = new SerializedString("output");
  private static final SerializedString EXPECTED = new SerializedString("expected");
  private static final SerializedString ERROR = new SerializedString("error");
  private static final SerializedString METADATA = new SerializedString("metadata");
  private static final SerializedString METRICS = new SerializedString("metrics");
  private static final SerializedString CONTEXT = new SerializedString("context");
  private static final SerializedString START = new SerializedString("start");
  private static final SerializedString END = new SerializedString("end");

  private void writeUser(JsonGenerator g, SerializedString field, @Nullable Object value)
      throws IOException {
    g.writeFieldName(field);
    writeUserValue(g, value);
  }

  private void writeUser(JsonGenerator g, String field, @Nullable Object value) throws IOException {
    g.writeFieldName(field);
    writeUserValue(g, value);
  }

  private void writeUserValue(JsonGenerator g, @Nullable Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String) {
      g.writeString((String) value);
    } else if (value instanceof POJONode p && p.getPojo() instanceof RawJson raw) {
      // Checked JSON text (a prompt recorded as a JSON string): copied, not parsed and rewritten.
      raw.writeTo(g);
    } else if (plainScalars && value instanceof Long l) {
      // What the mapper's serializer would write, without a serializer provider made per value:
      // attribute-heavy rows (an HTTP span's ports and status codes) paid that for every number.
      g.writeNumber(l);
    } else if (plainScalars && value instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (plainScalars && value instanceof Double d) {
      g.writeNumber(d);
    } else if (plainScalars && value instanceof Integer i) {
      g.writeNumber(i);
    } else {
      mapper.writeValue(g, value);
    }
  }

  /** A span's row carries its origin; a merge only what it adds. */
  private static boolean hasContext(BraintrustEvent e) {
    return !e.context().isEmpty() || (e.instrumentation() != null && !e.isMerge());
  }

  /**
   * {@code span_origin}, unless this row is a merge or the caller gave a {@code span_origin} of
   * their own.
   */
  private static void writeOrigin(JsonGenerator g, BraintrustEvent e) throws IOException {
    String instrumentation = e.instrumentation();
    if (instrumentation != null && !e.isMerge() && !e.context().containsKey("span_origin")) {
      SpanOriginWriter.write(g, instrumentation);
    }
  }

  private static void writeHeader(JsonGenerator g, BraintrustEvent e, byte[] scratch)
      throws IOException {
    EventAccess access = EventAccess.get();
    SpanBits bits = access.spanBits(e);
    g.writeFieldName(ID);
    if (bits != null) {
      // A span's ids and time are hex and digits: written as bytes, never formatted to strings or
      // scanned for escapes.
      Ids.uuidTo(bits.rowHi(), bits.rowLo(), scratch);
      g.writeRawUTF8String(scratch, 0, 36);
    } else {
      g.writeString(e.id());
    }
    if (e.isMerge()) {
      g.writeBooleanField("_is_merge", true);
    }
    Instant createdAt = access.createdAt(e);
    if (createdAt != null) {
      g.writeFieldName(CREATED);
      g.writeRawUTF8String(scratch, 0, IsoTime.formatTo(createdAt, scratch));
    } else if (e.created() != null) {
      g.writeFieldName(CREATED);
      g.writeString(e.created());
    }
    if (bits != null) {
      writeSpanIds(g, bits, scratch);
    } else if (e.spanId() != null) {
      g.writeFieldName(SPAN_ID);
      g.writeString(e.spanId());
      g.writeFieldName(ROOT_SPAN_ID);
      g.writeString(e.rootSpanId());
      // A root row leaves span_parents out, as the official SDKs do: a parents key (even empty)
      // can make the server treat the row as a non-root. Merges never restate it.
      if (!e.isMerge() && !e.spanParents().isEmpty()) {
        g.writeFieldName(SPAN_PARENTS);
        g.writeStartArray();
        for (String p : e.spanParents()) {
          g.writeString(p);
        }
        g.writeEndArray();
      }
    }
    if (e.spanName() != null || e.spanType() != null) {
      g.writeFieldName(SPAN_ATTRIBUTES);
      g.writeStartObject();
      if (e.spanName() != null) {
        g.writeFieldName(NAME);
        g.writeString(e.spanName());
      }
      if (e.spanType() != null) {
        g.writeFieldName(TYPE);
        g.writeString(e.spanType());
      }
      g.writeEndObject();
    }
  }

  /** A span row's ids from its bits: the same text as its id accessors give. */
  private static void writeSpanIds(JsonGenerator g, SpanBits bits, byte[] scratch)
      throws IOException {
    g.writeFieldName(SPAN_ID);
    Ids.hexTo(bits.span(), scratch, 0);
    g.writeRawUTF8String(scratch, 0, 16);
    g.writeFieldName(ROOT_SPAN_ID);
    String foreignTrace = bits.foreignTrace();
    if (foreignTrace != null) {
      g.writeString(foreignTrace);
    } else {
      Ids.hexTo(bits.traceHi(), scratch, 0);
      Ids.hexTo(bits.traceLo(), scratch, 16);
      g.writeRawUTF8String(scratch, 0, 32);
    }
    String foreignParent = bits.foreignParent();
    if (foreignParent != null || bits.parentSpan() != 0) {
      g.writeFieldName(SPAN_PARENTS);
      g.writeStartArray();
      if (foreignParent != null) {
        g.writeString(foreignParent);
      } else {
        Ids.hexTo(bits.parentSpan(), scratch, 0);
        g.writeRawUTF8String(scratch, 0, 16);
      }
      g.writeEndArray();
    }
  }

  private static void writeScores(JsonGenerator g, Map<String, @Nullable Double> scores)
      throws IOException {
    if (scores.isEmpty()) {
      return;
    }
    g.writeObjectFieldStart("scores");
    for (Map.Entry<String, @Nullable Double> s : scores.entrySet()) {
      if (s.getValue() == null) {
        g.writeNullField(s.getKey());
      } else {
        g.writeNumberField(s.getKey(), s.getValue());
      }
    }
    g.writeEndObject();
  }

  private static void writeTail(JsonGenerator g, BraintrustEvent e, char[] chars)
      throws IOException {
    Map<String, Number> other = e.otherMetrics();
    double start = e.startTime();
    double end = e.endTime();
    if (!other.isEmpty() || !Double.isNaN(start) || !Double.isNaN(end)) {
      g.writeFieldName(METRICS);
      g.writeStartObject();
      if (!Double.isNaN(start)) {
        g.writeFieldName(START);
        JsonNumbers.writeSeconds(g, start, chars);
      }
      for (Map.Entry<String, Number> m : other.entrySet()) {
        g.writeFieldName(m.getKey());
        JsonNumbers.writeNumber(g, m.getValue());
      }
      if (!Double.isNaN(end)) {
        g.writeFieldName(END);
        JsonNumbers.writeSeconds(g, end, chars);
      }
      g.writeEndObject();
    }
    if (!e.tags().isEmpty()) {
      g.writeArrayFieldStart("tags");
      for (String t : e.tags()) {
        g.writeString(t);
      }
      g.writeEndArray();
    }
  }

  private Encoded writeSafe(BraintrustEvent e) {
    List<String> errors = new ArrayList<>();
    ObjectNode row = mapper.createObjectNode();
    if (e.hasInput()) {
      row.set("input", toTree("input", e.input(), errors));
    }
    if (e.hasOutput()) {
      row.set("output", toTree("output", e.output(), errors));
    }
    if (e.hasExpected()) {
      row.set("expected", toTree("expected", e.expected(), errors));
    }
    if (e.hasError()) {
      row.set("error", toTree("error", e.error(), errors));
    }
    ObjectNode metadata = mapper.createObjectNode();
    for (Map.Entry<String, @Nullable Object> m : e.metadata().entrySet()) {
      metadata.set(m.getKey(), toTree("metadata." + m.getKey(), m.getValue(), errors));
    }
    ObjectNode context = mapper.createObjectNode();
    for (Map.Entry<String, @Nullable Object> c : e.context().entrySet()) {
      context.set(c.getKey(), toTree("context." + c.getKey(), c.getValue(), errors));
    }
    if (!errors.isEmpty()) {
      ArrayNode list = metadata.putArray(ERRORS_KEY);
      errors.forEach(list::add);
    }
    ByteArrayBuilder out = new ByteArrayBuilder(512);
    try (JsonGenerator g = mapper.getFactory().createGenerator(out)) {
      g.writeStartObject();
      writeHeader(g, e, new byte[64]);
      for (String f : new String[] {"input", "output", "expected", "error"}) {
        JsonNode v = row.get(f);
        if (v != null) {
          g.writeFieldName(f);
          mapper.writeTree(g, v);
        }
      }
      writeScores(g, e.scores());
      if (!metadata.isEmpty()) {
        g.writeFieldName("metadata");
        mapper.writeTree(g, metadata);
      }
      if (hasContext(e)) {
        g.writeFieldName(CONTEXT);
        g.writeStartObject();
        for (Map.Entry<String, JsonNode> c : context.properties()) {
          g.writeFieldName(c.getKey());
          mapper.writeTree(g, c.getValue());
        }
        writeOrigin(g, e);
        g.writeEndObject();
      }
      writeTail(g, e, new char[32]);
      g.writeEndObject();
    } catch (IOException ex) {
      // Only library-built trees are written here, so this means a bug, not bad input.
      throw new IllegalStateException("failed to write a sanitised row", ex);
    }
    return new Encoded(out.toByteArray(), List.copyOf(errors));
  }

  private JsonNode toTree(String field, @Nullable Object value, List<String> errors) {
    if (value == null) {
      return mapper.nullNode();
    }
    try {
      // valueToTree buffers fully, so a failure leaves nothing half-written.
      return mapper.valueToTree(value);
    } catch (RuntimeException | StackOverflowError ex) {
      String message = field + " could not be serialised: " + describe(ex);
      errors.add(message);
      return mapper.getNodeFactory().textNode("[" + message + "]");
    }
  }

  /** The root cause's simple class name and message, first line only. */
  static String describe(Throwable ex) {
    if (ex instanceof StackOverflowError) {
      return "value is nested too deeply to write, probably a cycle";
    }
    Throwable root = ex;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String msg = root.getMessage();
    if (msg == null) {
      return root.getClass().getSimpleName();
    }
    int nl = msg.indexOf('\n');
    return root.getClass().getSimpleName() + ": " + (nl < 0 ? msg : msg.substring(0, nl));
  }
}
