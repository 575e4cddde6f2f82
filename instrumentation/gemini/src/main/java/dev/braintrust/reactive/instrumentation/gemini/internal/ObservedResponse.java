package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.google.genai.ApiResponse;
import java.io.IOException;
import java.lang.ref.Cleaner;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.ForwardingSource;
import okio.Okio;
import org.jspecify.annotations.Nullable;

/**
 * The SDK's response with a body that hands the SDK the same bytes, read from the same connection
 * as the SDK asks for them, while showing each read to the {@link CallRecorder}: nothing is read
 * ahead or buffered beyond what the SDK reads, so a stream stays a stream. Closing the response
 * closes the SDK's and tells the recorder.
 */
final class ObservedResponse extends ApiResponse {
  private static final Cleaner CLEANER = Cleaner.create();

  private final ApiResponse delegate;
  private final CallRecorder recorder;
  // The SDK's body and its watched twin, made when the SDK first asks (asking may throw: the SDK's
  // response raises the API's error status there).
  private @Nullable ResponseBody original;
  private @Nullable ResponseBody body;

  /**
   * Watches {@code delegate}; with {@code endIfDropped}, a response that becomes unreachable unread
   * and unclosed ends its span as cancelled.
   */
  ObservedResponse(ApiResponse delegate, CallRecorder recorder, boolean endIfDropped) {
    this.delegate = delegate;
    this.recorder = recorder;
    // A response nobody reads or closes (the caller cancelled the SDK's future, which does not
    // reach the call, so the SDK drops the response; a stream dropped half read) would leave the
    // span open for good: once unreachable, it ends as cancelled. The action holds the recorder,
    // never this response. A blocking whole call needs none: the SDK reads and closes its
    // response before returning (try-with-resources), so the caller is spared the registration.
    if (endIfDropped) {
      CLEANER.register(this, recorder::closed);
    }
  }

  @Override
  public synchronized @Nullable ResponseBody getBody() {
    ResponseBody b;
    try {
      b = delegate.getBody();
    } catch (RuntimeException | Error e) {
      recorder.fail(e);
      throw e;
    }
    if (b == null) {
      recorder.complete();
      return null;
    }
    if (b != original) {
      original = b;
      body = new Body(b, recorder);
    }
    return body;
  }

  @Override
  public Headers getHeaders() {
    return delegate.getHeaders();
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      recorder.closed();
    }
  }

  /** The original body, its source watched. */
  private static final class Body extends ResponseBody {
    private final ResponseBody original;
    private final BufferedSource source;

    Body(ResponseBody original, CallRecorder recorder) {
      this.original = original;
      this.source = Okio.buffer(new Watching(original.source(), recorder));
    }

    @Override
    public @Nullable MediaType contentType() {
      return original.contentType();
    }

    @Override
    public long contentLength() {
      return original.contentLength();
    }

    @Override
    public BufferedSource source() {
      return source;
    }
  }

  /** Tells the recorder what each read brought, its end, and its failure. */
  private static final class Watching extends ForwardingSource {
    private final CallRecorder recorder;

    Watching(okio.Source delegate, CallRecorder recorder) {
      super(delegate);
      this.recorder = recorder;
    }

    @Override
    public long read(Buffer sink, long byteCount) throws IOException {
      long n;
      try {
        n = super.read(sink, byteCount);
      } catch (IOException | RuntimeException e) {
        recorder.fail(e);
        throw e;
      }
      if (n < 0) {
        recorder.complete();
      } else if (n > 0) {
        // The bytes just appended are the sink's last n: shared with the recorder, not consumed.
        recorder.onBytes(sink, sink.size() - n, n);
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } finally {
        recorder.closed();
      }
    }
  }
}
