package dev.braintrust.reactive.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Hooks;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The light operator that ends spans: every signal seen once, in order, and never broken by it. */
class SignalWatchTest {
  final List<String> seen = new CopyOnWriteArrayList<>();

  @AfterEach
  void resetHooks() {
    Hooks.resetOnErrorDropped();
  }

  SignalWatch<Object> recording() {
    return new SignalWatch<>() {
      @Override
      public void onNext(Object value) {
        seen.add("next " + value);
      }

      @Override
      public void onComplete() {
        seen.add("complete");
      }

      @Override
      public void onError(Throwable error) {
        seen.add("error " + error.getMessage());
      }

      @Override
      public void onCancel() {
        seen.add("cancel");
      }
    };
  }

  @Test
  void theWatchSeesEachSignalBeforeTheSubscriberDoes() {
    Flux<Object> watched = SignalWatch.flux(Flux.just(1, 2), ctx -> recording());
    StepVerifier.create(watched)
        .expectNextMatches(v -> seen.contains("next 1"))
        .expectNextMatches(v -> seen.contains("next 2"))
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(seen).containsExactly("next 1", "next 2", "complete");
  }

  @Test
  void errorsAndCancellationReachTheWatch() {
    StepVerifier.create(
            SignalWatch.mono(Mono.error(new IllegalStateException("boom")), ctx -> recording()))
        .expectErrorMessage("boom")
        .verify(Duration.ofSeconds(5));
    StepVerifier.create(SignalWatch.mono(Mono.never(), ctx -> recording()))
        .thenCancel()
        .verify(Duration.ofSeconds(5));
    assertThat(seen).containsExactly("error boom", "cancel");
  }

  @Test
  void aCancelAfterTheEndIsNotACancellation() {
    Flux<Object> watched = SignalWatch.flux(Flux.just(1), ctx -> recording());
    watched.subscribe(
        new reactor.core.CoreSubscriber<Object>() {
          org.reactivestreams.@org.jspecify.annotations.Nullable Subscription s;

          @Override
          public void onSubscribe(org.reactivestreams.Subscription s) {
            this.s = s;
            s.request(Long.MAX_VALUE);
          }

          @Override
          public void onNext(Object value) {}

          @Override
          public void onError(Throwable error) {}

          @Override
          public void onComplete() {
            java.util.Objects.requireNonNull(s).cancel();
          }
        });
    assertThat(seen).containsExactly("next 1", "complete");
  }

  @Test
  void eachSubscriptionGetsItsOwnWatchMadeFromTheSubscribersContext() {
    Mono<Object> watched =
        SignalWatch.mono(
            Mono.just("v"),
            ctx -> {
              seen.add("made for " + ctx.getOrDefault("who", "?"));
              return recording();
            });
    StepVerifier.create(watched.contextWrite(c -> c.put("who", "a")))
        .expectNext("v")
        .verifyComplete();
    StepVerifier.create(watched.contextWrite(c -> c.put("who", "b")))
        .expectNext("v")
        .verifyComplete();
    assertThat(seen)
        .containsExactly("made for a", "next v", "complete", "made for b", "next v", "complete");
  }

  @Test
  void aThrowingHookIsReportedAndTheStreamGoesOn() {
    List<Throwable> dropped = new CopyOnWriteArrayList<>();
    Hooks.onErrorDropped(dropped::add);
    SignalWatch<Object> broken =
        new SignalWatch<>() {
          @Override
          public void onNext(Object value) {
            throw new IllegalStateException("hook failed");
          }
        };
    StepVerifier.create(SignalWatch.flux(Flux.just(1, 2), ctx -> broken))
        .expectNext(1, 2)
        .expectComplete()
        .verify(Duration.ofSeconds(5));
    assertThat(dropped).hasSize(2).allMatch(t -> t.getMessage().equals("hook failed"));
  }
}
