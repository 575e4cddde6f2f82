package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SpanUpdateNameTest {
  final RecordingSink sink = new RecordingSink();
  final Tracer tracer = Tracer.create(sink, Destination.projectLogs("p"));

  @Test
  void theRowCarriesTheLastNameGivenBeforeTheEnd() {
    Span span = tracer.startSpan("GET", SpanType.TASK);
    Span child = span.startChild("lookup", SpanType.TOOL);
    span.updateName("GET /orders/{id}");
    child.end();
    span.end();
    span.updateName("too late");

    assertThat(span.name()).isEqualTo("GET /orders/{id}");
    assertThat(sink.events)
        .extracting(BraintrustEvent::spanName)
        .containsExactly("lookup", "GET /orders/{id}");
    assertThat(sink.byName("lookup").spanParents()).containsExactly(span.spanId());
  }

  @Test
  void aNullNameIsRefused() {
    Span span = tracer.startSpan("s");
    assertThatThrownBy(() -> span.updateName(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("span name must not be null");
  }
}
