package dev.braintrust.reactive.instrumentation.bedrock.internal;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.eventstream.HeaderValue;
import software.amazon.awssdk.eventstream.Message;
import software.amazon.awssdk.eventstream.MessageDecoder;

/**
 * Copies of a response body as the SDK reads it, never ahead of it: the SDK gets the same bytes, in
 * the same reads or chunks, with the same end and the same errors. A whole Converse reply is
 * buffered for the span; a stream is fed to an event-stream decoder, its events folded in as they
 * pass, its end ends the span (before the SDK sees the end), and a cancel of the subscription ends
 * the span as cancelled.
 */
final class BodyTee {
  private BodyTee() {}

  /**
   * Whether the SDK has the event-stream decoder this class uses (the package has moved between SDK
   * releases); without it streams pass through with only their request recorded.
   */
  private static final boolean DECODER =
      present("software.amazon.awssdk.eventstream.MessageDecoder");

  private static boolean present(String name) {
    try {
      Class.forName(name, false, BodyTee.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The stream's body, followed. */
  static Publisher<ByteBuffer> of(Publisher<ByteBuffer> body, Call call) {
    if (!DECODER) {
      return body;
    }
    return subscriber -> body.subscribe(new TeeSubscriber(subscriber, call));
  }

  private static final class TeeSubscriber implements Subscriber<ByteBuffer> {
    private final Subscriber<? super ByteBuffer> downstream;
    private final Call call;
    private final MessageDecoder decoder;
    private boolean broken;

    TeeSubscriber(Subscriber<? super ByteBuffer> downstream, Call call) {
      this.downstream = downstream;
      this.call = call;
      call.newAttempt();
      this.decoder = new MessageDecoder(this::onMessage);
    }

    @Override
    public void onSubscribe(Subscription s) {
      AtomicBoolean cancelled = new AtomicBoolean();
      downstream.onSubscribe(
          new Subscription() {
            @Override
            public void request(long n) {
              s.request(n);
            }

            @Override
            public void cancel() {
              if (cancelled.compareAndSet(false, true)) {
                call.cancel();
              }
              s.cancel();
            }
          });
    }

    @Override
    public void onNext(ByteBuffer buf) {
      if (!broken) {
        copy(buf);
      }
      downstream.onNext(buf);
    }

    private void copy(ByteBuffer buf) {
      try {
        // A duplicate, so the SDK's buffer keeps its position and limit.
        ByteBuffer copy = buf.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        decoder.feed(bytes);
      } catch (RuntimeException e) {
        broken = true;
        call.undecodable(e);
      }
    }

    private void onMessage(Message message) {
      HeaderValue kind = message.getHeaders().get(":message-type");
      if (kind != null && !"event".equals(kind.getString())) {
        call.onStreamException();
        return;
      }
      HeaderValue type = message.getHeaders().get(":event-type");
      if (type != null) {
        call.onEvent(type.getString(), message.getPayload());
      }
    }

    @Override
    public void onError(Throwable t) {
      downstream.onError(t);
    }

    @Override
    public void onComplete() {
      if (!broken) {
        call.streamEnded();
      }
      downstream.onComplete();
    }
  }
}
