package dev.braintrust.reactive.instrumentation.gemini.internal;

import com.google.genai.ApiClient;
import com.google.genai.Client;
import dev.braintrust.reactive.core.Tracer;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Points a {@link Client}'s model and chat services at a {@link TracingApiClient}. The SDK offers
 * no hook for this: {@code Client} is final, its services are final classes holding their {@code
 * ApiClient} in a final field, and the HTTP client is shared with file uploads and the rest. So, as
 * Braintrust's own Java SDK does, the field is replaced by reflection, in {@code models}, {@code
 * chats}, {@code async.models} (and the blocking {@code Models} it keeps for itself) and {@code
 * async.chats}; everything else keeps the original transport. Every field is found and opened
 * before any is written, so a newer SDK whose fields moved is refused whole, never half traced.
 */
public final class GeminiTracing {
  /** The module name this wrapper's spans carry in {@code context.span_origin}. */
  public static final String INSTRUMENTATION = "instrumentation-gemini";

  private GeminiTracing() {}

  /** One field to write: the {@code apiClient} of one service object. */
  private record Slot(Object owner, Field field) {}

  /**
   * Instruments {@code client} in place and returns it; an instrumented client is re-pointed at the
   * newer tracer around its original transport.
   *
   * @param client the client
   * @param tracer the tracer
   * @return the same client
   */
  public static Client instrument(Client client, Tracer tracer) {
    List<Slot> slots = new ArrayList<>();
    try {
      slot(slots, client.models);
      slot(slots, client.chats);
      if (client.async != null) {
        slot(slots, client.async.models);
        slot(slots, read(client.async.models, "models"));
        slot(slots, client.async.chats);
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot instrument this google-genai client (fields of its services not found or not"
              + " accessible: "
              + e
              + "); the client is unchanged and untraced",
          e);
    }
    ApiClient current = (ApiClient) get(slots.get(0));
    ApiClient original = current instanceof TracingApiClient t ? t.delegate : current;
    TracingApiClient tracing =
        new TracingApiClient(original, tracer.withDefaultInstrumentation(INSTRUMENTATION));
    for (Slot s : slots) {
      try {
        s.field().set(s.owner(), tracing);
      } catch (IllegalAccessException e) {
        throw new IllegalStateException("cannot instrument this google-genai client: " + e, e);
      }
    }
    return client;
  }

  private static void slot(List<Slot> slots, @Nullable Object service)
      throws ReflectiveOperationException {
    if (service == null) {
      return;
    }
    Field f = service.getClass().getDeclaredField("apiClient");
    f.setAccessible(true);
    slots.add(new Slot(service, f));
  }

  private static @Nullable Object read(Object owner, String name)
      throws ReflectiveOperationException {
    Field f = owner.getClass().getDeclaredField(name);
    f.setAccessible(true);
    return f.get(owner);
  }

  private static Object get(Slot s) {
    try {
      return s.field().get(s.owner());
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot instrument this google-genai client: " + e, e);
    }
  }
}
