package dev.braintrust.reactive.core.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The record format: payloads round-trip with their destination, and framing checks out. */
class SpoolFormatTest {
  static byte[] payload(Destination d, String row) {
    byte[] prefix = SpoolFormat.prefix(d);
    byte[] r = row.getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(prefix, prefix.length + r.length + 1);
    System.arraycopy(r, 0, out, prefix.length, r.length);
    out[out.length - 1] = '}';
    return out;
  }

  @Test
  void everyKindOfDestinationAndTheRowRoundTrip() {
    String row = "{\"id\":\"r \\\"1\\\"\",\"input\":{\"a\":[1,2,{\"b\":\"}\"}]}}";
    for (Destination d :
        List.of(
            Destination.projectLogs("p-1"),
            Destination.projectLogsByName("my \"project\" ü"),
            Destination.experiment("e"),
            Destination.experimentByName("p", "exp/1"),
            Destination.dataset("d"),
            Destination.datasetByName("p", "ds"))) {
      byte[] p = payload(d, row);
      SpoolFormat.Decoded decoded = SpoolFormat.decode(p);
      assertThat(decoded).isNotNull();
      assertThat(decoded.destination()).isEqualTo(d);
      assertThat(new String(p, decoded.rowOffset(), decoded.rowLength(), StandardCharsets.UTF_8))
          .isEqualTo(row);
    }
  }

  @Test
  void aPayloadThatIsNotTheFormatIsRefusedNotThrown() {
    assertThat(SpoolFormat.decode("{}".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(SpoolFormat.decode("not json}".getBytes(StandardCharsets.UTF_8))).isNull();
    assertThat(
            SpoolFormat.decode(
                "{\"destination\":{\"kind\":\"nope\",\"id\":\"x\"},\"row\":{}}"
                    .getBytes(StandardCharsets.UTF_8)))
        .isNull();
  }

  @Test
  void aRecordIsItsLengthItsCrc32cAndItsPayload() {
    byte[] p = payload(Destination.projectLogs("p"), "{\"id\":\"x\"}");
    ByteBuffer b = ByteBuffer.allocate(SpoolFormat.RECORD_HEADER + p.length);
    SpoolFormat.frame(b, p, 0, p.length);
    assertThat(b.getInt(0)).isEqualTo(p.length);
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(p);
    assertThat(b.getInt(4)).isEqualTo((int) crc.getValue());
    assertThat(SpoolFormat.segmentName(42)).isEqualTo("segment-00000000000000000042.log");
    assertThat(SpoolFormat.segmentId("segment-00000000000000000042.log")).isEqualTo(42);
    assertThat(SpoolFormat.segmentId("spool.lock")).isEqualTo(-1);
  }
}
