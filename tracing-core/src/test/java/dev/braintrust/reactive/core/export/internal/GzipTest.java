package dev.braintrust.reactive.core.export.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.export.EncodedBatch;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/** Bodies compressed in slices from pooled deflaters decode to exactly the body, at any size. */
class GzipTest {
  static EncodedBatch batch(int rows, int rowBytes, long seed) {
    Random random = new Random(seed);
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < rows; i++) {
      StringBuilder b = new StringBuilder("{\"id\":\"r" + i + "\",\"input\":\"");
      while (b.length() < rowBytes) {
        b.append((char) ('a' + random.nextInt(26)));
        if (random.nextInt(6) == 0) {
          b.append(' ');
        }
      }
      out.add(b.append("\"}").toString().getBytes(StandardCharsets.UTF_8));
    }
    return EncodedBatch.of(out);
  }

  static byte[] gunzip(byte[] gz) throws Exception {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      return in.readAllBytes();
    }
  }

  @Test
  void everySizeFromOneSmallRowToSeveralMebibytesDecodesToTheBody() throws Exception {
    int[][] shapes = {{1, 10}, {3, 1000}, {1, Gzip.SLICE - 40}, {1, Gzip.SLICE + 1}, {5, 1 << 20}};
    for (int level : new int[] {0, 1, 6, 9}) {
      for (int[] shape : shapes) {
        EncodedBatch b = batch(shape[0], shape[1], shape[1] + level);
        byte[] gz = Gzip.compress(b, level);
        assertThat(gunzip(gz)).as("level %d, %s", level, shape).isEqualTo(b.body());
        if (shape[1] >= 1000) {
          assertThat(gz.length).as("compressed").isLessThan(b.body().length);
        }
      }
    }
  }

  @Test
  void pooledDeflatersUsedFromManyThreadsAtOnceKeepEachBodyApart() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 6; t++) {
      int seed = t;
      Thread th =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 20; i++) {
                    EncodedBatch b = batch(1 + i % 4, 100 + 7000 * i, seed * 100L + i);
                    assertThat(gunzip(Gzip.compress(b, 1))).isEqualTo(b.body());
                  }
                } catch (Throwable e) {
                  errors.add(e);
                }
              });
      threads.add(th);
      th.start();
    }
    for (Thread th : threads) {
      th.join(60_000);
    }
    assertThat(errors).isEmpty();
  }
}
