package dev.braintrust.reactive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.Span;
import dev.braintrust.reactive.core.SpanSink;
import dev.braintrust.reactive.core.SpanType;
import dev.braintrust.reactive.core.Tracer;
import dev.braintrust.reactive.spring.internal.RemoteParentSpan;
import dev.braintrust.reactive.spring.internal.Traceparent;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** W3C traceparent in and out, and what of a URL may reach a span. */
class TraceContextTest {
  static final Destination DEST = Destination.projectLogs("p");
  static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  static final String SPAN = "00f067aa0ba902b7";

  @Test
  void aValidHeaderNamesTheCallersTraceAndSpan() {
    RemoteParentSpan p = Traceparent.parse("00-" + TRACE + "-" + SPAN + "-01", DEST);
    assertThat(p).isNotNull();
    assertThat(p.rootSpanId()).isEqualTo(TRACE);
    assertThat(p.spanId()).isEqualTo(SPAN);
    // A later version may add fields after the flags.
    assertThat(Traceparent.parse("cc-" + TRACE + "-" + SPAN + "-01-extra", DEST)).isNotNull();
  }

  @Test
  void malformedHeadersAreIgnored() {
    String[] bad = {
      null,
      "",
      "00-" + TRACE + "-" + SPAN,
      "00-" + TRACE.toUpperCase() + "-" + SPAN + "-01",
      "00-" + "0".repeat(32) + "-" + SPAN + "-01",
      "00-" + TRACE + "-" + "0".repeat(16) + "-01",
      "ff-" + TRACE + "-" + SPAN + "-01",
      "00-" + TRACE + "-" + SPAN + "-01-extra",
      "00-" + TRACE + "-" + SPAN + "-0g"
    };
    for (String h : bad) {
      assertThat(Traceparent.parse(h, DEST)).as(String.valueOf(h)).isNull();
    }
  }

  @Test
  void aChildOfTheRemoteParentJoinsItsTraceAndAnnouncesItselfDownstream() {
    Tracer tracer = Tracer.create(SpanSink.noop(), DEST);
    Span child =
        tracer.startSpan(
            "GET /x", SpanType.TASK, Traceparent.parse("00-" + TRACE + "-" + SPAN + "-01", DEST));
    assertThat(child.rootSpanId()).isEqualTo(TRACE);
    assertThat(child.parentSpanIds()).containsExactly(SPAN);
    assertThat(Traceparent.format(child)).isEqualTo("00-" + TRACE + "-" + child.spanId() + "-01");
  }

  @Test
  void urlsLoseUserInfoAndQueryValues() {
    assertThat(
            BraintrustExchangeFilter.redacted(
                URI.create("https://bob:pw@api.example.com:8443/v1/x?key=abc&flag&q=1")))
        .isEqualTo("https://api.example.com:8443/v1/x?key=REDACTED&flag&q=REDACTED");
    assertThat(BraintrustExchangeFilter.redacted(URI.create("http://h/p"))).isEqualTo("http://h/p");
  }
}
