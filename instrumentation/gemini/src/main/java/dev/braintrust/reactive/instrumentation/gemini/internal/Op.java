package dev.braintrust.reactive.instrumentation.gemini.internal;

import org.jspecify.annotations.Nullable;

/** The traced calls, told apart by the method at the end of the request path. */
enum Op {
  GENERATE("generate_content", false),
  STREAM("generate_content_stream", true),
  EMBED("embed_content", false);

  /** The span name. */
  final String spanName;

  /** Whether the response is a Server-Sent Event stream of chunks. */
  final boolean streamed;

  Op(String spanName, boolean streamed) {
    this.spanName = spanName;
    this.streamed = streamed;
  }

  /**
   * The call a request path makes ({@code models/gemini-2.5-flash:generateContent}, with or without
   * a Vertex AI {@code projects/.../publishers/google/} prefix or a query), or null for a call this
   * code does not trace.
   */
  static @Nullable Op of(String path) {
    // Compared in place: this runs on every request the client sends, traced or not.
    int q = path.indexOf('?');
    int stop = q < 0 ? path.length() : q;
    int colon = path.lastIndexOf(':', stop - 1);
    if (colon < 0) {
      return null;
    }
    if (is(path, colon + 1, stop, "generateContent")) {
      return GENERATE;
    }
    if (is(path, colon + 1, stop, "streamGenerateContent")) {
      return STREAM;
    }
    if (is(path, colon + 1, stop, "embedContent")
        || is(path, colon + 1, stop, "batchEmbedContents")) {
      return EMBED;
    }
    return null;
  }

  private static boolean is(String path, int from, int stop, String method) {
    return stop - from == method.length() && path.startsWith(method, from);
  }

  /** The model a request path names: the segment after the last {@code models/}, up to ':'. */
  static String model(String path) {
    String p = withoutQuery(path);
    int colon = p.lastIndexOf(':');
    String resource = colon < 0 ? p : p.substring(0, colon);
    int models = resource.lastIndexOf("models/");
    return models < 0 ? resource : resource.substring(models + "models/".length());
  }

  private static String withoutQuery(String path) {
    int q = path.indexOf('?');
    return q < 0 ? path : path.substring(0, q);
  }
}
