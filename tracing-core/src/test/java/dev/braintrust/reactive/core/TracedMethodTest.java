package dev.braintrust.reactive.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The capture piece on its own, driven the way an interceptor other than the proxy drives it. */
class TracedMethodTest {
  final RecordingSink sink = new RecordingSink();
  final Tracer tracer = Tracer.create(sink, Destination.projectLogs("p"));

  static class Orders {
    @Traced(type = SpanType.TOOL)
    public String find(String id, @Traced.Exclude String token) {
      return "order-" + id;
    }

    @Traced(name = "count", captureResult = false)
    public Mono<Integer> count(int max) {
      return Mono.just(max);
    }

    @Traced
    public void touch() {}
  }

  interface Login {
    String login(String user, @Traced.Exclude String password);
  }

  static class LoginImpl implements Login {
    @Override
    @Traced
    public String login(String user, String password) {
      return "ok";
    }
  }

  @Test
  void anExclusionDeclaredOnTheInterfaceHoldsForTheImplementation() throws Throwable {
    Method impl = LoginImpl.class.getMethod("login", String.class, String.class);
    TracedMethod.of(impl, impl.getAnnotation(Traced.class), "LoginImpl.login")
        .invoke(tracer, new Object[] {"ann", "hunter2"}, () -> "ok");

    assertThat(sink.byName("LoginImpl.login").input()).isEqualTo(Map.of("user", "ann"));
  }

  static TracedMethod plan(String name, Class<?>... params) throws Exception {
    Method m = Orders.class.getMethod(name, params);
    return TracedMethod.of(m, m.getAnnotation(Traced.class), "Orders." + name);
  }

  @Test
  void namesTypesAndCapturesAsTheAnnotationSays() throws Throwable {
    TracedMethod find = plan("find", String.class, String.class);
    assertThat(find.spanName()).isEqualTo("Orders.find");
    assertThat(find.spanType()).isEqualTo(SpanType.TOOL);

    Object result = find.invoke(tracer, new Object[] {"7", "secret"}, () -> "order-7");

    assertThat(result).isEqualTo("order-7");
    BraintrustEvent e = sink.byName("Orders.find");
    assertThat(e.spanType()).isEqualTo("tool");
    assertThat(e.input()).isEqualTo(Map.of("id", "7"));
    assertThat(e.output()).isEqualTo("order-7");
  }

  @Test
  void aMonoRunsTheCallOnEachSubscriptionAndLeavesTheResultOutWhenAsked() throws Throwable {
    AtomicInteger calls = new AtomicInteger();
    @SuppressWarnings("unchecked")
    Mono<Integer> m =
        (Mono<Integer>)
            plan("count", int.class)
                .invoke(tracer, new Object[] {3}, () -> Mono.just(calls.incrementAndGet()));
    assertThat(calls).hasValue(0);

    StepVerifier.create(m).expectNext(1).verifyComplete();
    StepVerifier.create(m).expectNext(2).verifyComplete();

    assertThat(sink.events)
        .hasSize(2)
        .allSatisfy(
            e -> {
              assertThat(e.spanName()).isEqualTo("count");
              assertThat(e.hasOutput()).isFalse();
            });
  }

  @Test
  void aCheckedExceptionFromAReactiveCallReachesTheSubscriberAndIsRecorded() throws Throwable {
    @SuppressWarnings("unchecked")
    Mono<Integer> m =
        (Mono<Integer>)
            plan("count", int.class)
                .invoke(
                    tracer,
                    new Object[] {3},
                    () -> {
                      throw new IOException("disk");
                    });

    StepVerifier.create(m)
        .expectErrorSatisfies(
            e ->
                assertThat(e)
                    .isInstanceOf(IllegalStateException.class)
                    .hasCauseInstanceOf(IOException.class))
        .verify();
    assertThat((String) sink.byName("count").error()).contains("IOException: disk");
  }

  @Test
  void aSyncCallRethrowsWhatItThrowsAndAVoidMethodHasNoOutput() throws Throwable {
    TracedMethod touch = plan("touch");
    assertThatThrownBy(
            () ->
                touch.invoke(
                    tracer,
                    null,
                    () -> {
                      throw new IOException("gone");
                    }))
        .isInstanceOf(IOException.class)
        .hasMessage("gone");
    touch.invoke(tracer, null, () -> null);

    assertThat(sink.events).hasSize(2);
    assertThat((String) sink.events.get(0).error()).startsWith("java.io.IOException: gone");
    assertThat(sink.events.get(1).hasOutput()).isFalse();
  }
}
