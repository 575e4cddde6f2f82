package dev.braintrust.reactive.core.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.braintrust.reactive.core.BraintrustEvent;
import dev.braintrust.reactive.core.Destination;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/**
 * A flush that leaves events undelivered says how they ended, even when no batch failed (a row the
 * server refused leaves no failure text to quote): never a placeholder.
 */
class UndeliveredReasonTest {
  @Test
  void aFlushWithARefusedRowNamesHowItEndedNotAPlaceholder() {
    // The server takes the batch but refuses its first row.
    Transport refusing =
        (d, b) ->
            Mono.just(
                new InsertResult(
                    b.size(),
                    b.bodyBytes(),
                    b.bodyBytes(),
                    1,
                    0,
                    List.of(new InsertResult.Rejected(0, "bad row"))));
    BraintrustExporter ex = BraintrustExporter.builder(refusing).build();
    try {
      Destination dest = Destination.projectLogs("p");
      ex.accept(BraintrustEvent.builder(dest, "refused").input("q").build());
      ex.accept(BraintrustEvent.builder(dest, "taken").input("q").build());
      assertThatThrownBy(() -> ex.flush().block(Duration.ofSeconds(30)))
          .isInstanceOf(BraintrustExportException.class)
          .hasMessage("1 event(s) were not delivered: 1 failed");
      assertThat(ex.lastFailure()).as("no batch failed").isNull();
      assertThat(ex.stats().delivered()).isEqualTo(1);
    } finally {
      ex.shutdown(Duration.ofSeconds(10)).onErrorComplete().block(Duration.ofSeconds(30));
    }
  }
}
