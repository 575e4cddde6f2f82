package dev.braintrust.reactive.eval.internal;

import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.BraintrustClientBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The dev server's clients, one per caller's key and organization, the least recently used closed
 * beyond {@code max}: a Playground session makes many calls with one key.
 */
public final class ClientCache {
  private final String apiUrl;
  private final Consumer<BraintrustClientBuilder> config;
  private final Map<String, BraintrustClient> clients;

  /** A cache of at most {@code max} clients of {@code apiUrl}. */
  public ClientCache(String apiUrl, Consumer<BraintrustClientBuilder> config, int max) {
    this.apiUrl = apiUrl;
    this.config = config;
    this.clients =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, BraintrustClient> eldest) {
            if (size() > max) {
              // Called on an event loop: start the shutdown, never wait for it.
              eldest.getValue().shutdown().subscribe(null, e -> {});
              return true;
            }
            return false;
          }
        };
  }

  /** The client for this key and organization. */
  public synchronized BraintrustClient get(String apiKey, @Nullable String orgName) {
    String k = (orgName == null ? "" : orgName) + "\n" + apiKey;
    return clients.computeIfAbsent(
        k,
        x -> {
          BraintrustClientBuilder b = BraintrustClient.builder().apiKey(apiKey).baseUrl(apiUrl);
          if (orgName != null) {
            b.orgName(orgName);
          }
          config.accept(b);
          return b.build();
        });
  }

  /** Closes every client. */
  public void close() {
    List<BraintrustClient> all;
    synchronized (this) {
      all = new ArrayList<>(clients.values());
      clients.clear();
    }
    all.forEach(BraintrustClient::close);
  }
}
