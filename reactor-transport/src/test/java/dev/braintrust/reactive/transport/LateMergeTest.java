package dev.braintrust.reactive.transport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Log;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.testkit.BraintrustTestServer;
import dev.braintrust.reactive.testkit.BraintrustTestServerExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the README promises about logging after end(), checked on the row the server stored. */
@ExtendWith(BraintrustTestServerExtension.class)
class LateMergeTest {

  @Test
  void tagsLoggedBeforeAndAfterEndAllEndUpOnTheStoredRow(BraintrustTestServer server) {
    BraintrustClient client =
        BraintrustClient.builder().apiKey(server.apiKey()).baseUrl(server.baseUrl()).build();
    try (BraintrustExporter exporter = BraintrustExporter.builder(client).build()) {
      Tracer tracer = Tracer.create(exporter, Destination.projectLogsByName("late-tags"));
      Span span = tracer.startSpan("answer", SpanType.TASK);
      span.log(Log.builder().tag("t1").tag("t2").build());
      span.end();
      // Separate requests, so the server really merges instead of the buffer folding them.
      exporter.flush().block(Duration.ofSeconds(10));
      span.log(Log.builder().tag("t3").output("late").build());
      exporter.flush().block(Duration.ofSeconds(10));

      ObjectNode row = server.projectLogs(server.projectId("late-tags")).get(0);
      assertThat(row.get("tags")).extracting(JsonNode::asText).containsExactly("t1", "t2", "t3");
      assertThat(row.get("output").asText()).isEqualTo("late");
      assertThat(row.has("span_parents")).isFalse();
    }
  }
}
