package dev.braintrust.reactive;

import dev.braintrust.reactive.core.Destination;
import dev.braintrust.reactive.core.export.BraintrustExporter;
import dev.braintrust.reactive.core.export.BraintrustExporterBuilder;
import dev.braintrust.reactive.core.internal.BraintrustEnv;
import dev.braintrust.reactive.core.internal.LibraryLog;
import dev.braintrust.reactive.core.internal.Validation;
import dev.braintrust.reactive.transport.BraintrustClient;
import dev.braintrust.reactive.transport.BraintrustClientBuilder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Braintrust}. Every option left unset comes from the environment (the process's,
 * then {@code .env.braintrust}), then from the defaults: the API at {@link
 * BraintrustClient#US_URL}, the app at {@value #DEFAULT_APP_URL}, project {@value
 * #DEFAULT_PROJECT}, a shutdown hook that flushes at JVM exit, and the exporter's {@link
 * BraintrustExporter#DEFAULT_SHUTDOWN_TIMEOUT}. Not thread-safe.
 */
public final class BraintrustBuilder {
  /** The Braintrust app, for links, unless {@code BRAINTRUST_APP_URL} says otherwise. */
  public static final String DEFAULT_APP_URL = "https://www.braintrust.dev";

  /** The project spans go to when none is named (the official Java SDK's default too). */
  public static final String DEFAULT_PROJECT = "default-java-project";

  private static final LibraryLog LOG = LibraryLog.get(Braintrust.class);

  private @Nullable String apiKey;
  private @Nullable String apiUrl;
  private @Nullable String appUrl;
  private @Nullable String orgName;
  private @Nullable String projectName;
  private @Nullable String projectId;
  private @Nullable Destination destination;
  private boolean shutdownHook = true;
  private Duration shutdownTimeout = BraintrustExporter.DEFAULT_SHUTDOWN_TIMEOUT;
  private Consumer<BraintrustClientBuilder> clientOptions = b -> {};
  private Consumer<BraintrustExporterBuilder> exporterOptions = b -> {};
  private BraintrustEnv env = BraintrustEnv.system();

  BraintrustBuilder() {}

  /**
   * The API key, instead of {@code BRAINTRUST_API_KEY}.
   *
   * @param apiKey the API key
   * @return this builder
   */
  public BraintrustBuilder apiKey(String apiKey) {
    this.apiKey = Validation.nonBlank("apiKey", apiKey);
    return this;
  }

  /**
   * The API's base URL, instead of {@code BRAINTRUST_API_URL}; e.g. {@link BraintrustClient#EU_URL}
   * or a testkit server's.
   *
   * @param apiUrl the API's base URL
   * @return this builder
   */
  public BraintrustBuilder apiUrl(String apiUrl) {
    this.apiUrl = Validation.nonBlank("apiUrl", apiUrl);
    return this;
  }

  /**
   * The app's base URL for links, instead of {@code BRAINTRUST_APP_URL}.
   *
   * @param appUrl the app's base URL
   * @return this builder
   */
  public BraintrustBuilder appUrl(String appUrl) {
    this.appUrl = Validation.nonBlank("appUrl", appUrl);
    return this;
  }

  /**
   * The organization, instead of {@code BRAINTRUST_ORG_NAME}: sent as {@code x-bt-org-name} and
   * used in links (without it, links ask the API which organization the key belongs to).
   *
   * @param orgName the organization's name
   * @return this builder
   */
  public BraintrustBuilder orgName(String orgName) {
    this.orgName = Validation.nonBlank("orgName", orgName);
    return this;
  }

  /**
   * The project, by name, whose logs receive root spans (created if missing), instead of {@code
   * BRAINTRUST_PROJECT}.
   *
   * @param projectName the project's name
   * @return this builder
   */
  public BraintrustBuilder projectName(String projectName) {
    this.projectName = Validation.nonBlank("projectName", projectName);
    return this;
  }

  /**
   * The project, by id, whose logs receive root spans, instead of {@code BRAINTRUST_PROJECT_ID}; it
   * wins over a project name.
   *
   * @param projectId the project's id
   * @return this builder
   */
  public BraintrustBuilder projectId(String projectId) {
    this.projectId = Validation.nonBlank("projectId", projectId);
    return this;
  }

  /**
   * Where root spans go when it is not a project's logs: an experiment or a dataset. Wins over the
   * project options.
   *
   * @param destination where root spans go
   * @return this builder
   */
  public BraintrustBuilder destination(Destination destination) {
    this.destination = Objects.requireNonNull(destination, "destination");
    return this;
  }

  /**
   * Whether a JVM shutdown hook delivers what is buffered when the JVM exits without {@link
   * Braintrust#close()} (default true). It waits at most the shutdown timeout and prints one line
   * to standard error if events were left undelivered.
   *
   * @param register false to leave shutdown to the application
   * @return this builder
   */
  public BraintrustBuilder registerShutdownHook(boolean register) {
    this.shutdownHook = register;
    return this;
  }

  /**
   * How long {@code close()}, {@code shutdown()} and the shutdown hook wait to deliver what is
   * buffered (default 10 s).
   *
   * @param timeout the deadline
   * @return this builder
   */
  public BraintrustBuilder shutdownTimeout(Duration timeout) {
    this.shutdownTimeout = Validation.positive("shutdownTimeout", timeout);
    return this;
  }

  /**
   * Further client options (proxy, TLS, timeouts, headers), applied after the environment's.
   *
   * @param options sets options on the client builder
   * @return this builder
   */
  public BraintrustBuilder client(Consumer<BraintrustClientBuilder> options) {
    this.clientOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * Further exporter options (capacity, batching, spool, masking, metrics), applied last.
   *
   * @param options sets options on the exporter builder
   * @return this builder
   */
  public BraintrustBuilder exporter(Consumer<BraintrustExporterBuilder> options) {
    this.exporterOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /** The environment to read instead of the process's (tests). */
  BraintrustBuilder environment(BraintrustEnv env) {
    this.env = Objects.requireNonNull(env, "env");
    return this;
  }

  /**
   * Creates the client, the exporter and the tracer, and registers the shutdown hook.
   *
   * @return the set-up Braintrust
   * @throws IllegalStateException when no API key is given or set in the environment
   * @throws IllegalArgumentException when an option is not valid (the message names it)
   */
  public Braintrust build() {
    String key = apiKey != null ? apiKey : env.get("BRAINTRUST_API_KEY");
    if (key == null) {
      throw new IllegalStateException(
          "No Braintrust API key: set BRAINTRUST_API_KEY (in the environment or a .env.braintrust"
              + " file), or call Braintrust.builder().apiKey(..)");
    }
    String org = orgName != null ? orgName : env.get("BRAINTRUST_ORG_NAME");
    BraintrustClientBuilder cb =
        BraintrustClient.builder().apiKey(key).proxyFromEnvironment(env.processEnvironment());
    String api = apiUrl != null ? apiUrl : env.get("BRAINTRUST_API_URL");
    if (api != null) {
      cb.baseUrl(api);
    }
    if (org != null) {
      cb.orgName(org);
    }
    clientOptions.accept(cb);
    Destination where = destination();
    String app = appUrl != null ? appUrl : env.get("BRAINTRUST_APP_URL");
    BraintrustClient client = cb.build();
    try {
      BraintrustExporterBuilder eb =
          BraintrustExporter.builder(client)
              .registerShutdownHook(shutdownHook)
              .shutdownTimeout(shutdownTimeout);
      exporterOptions.accept(eb);
      BraintrustExporter exporter = eb.build();
      LOG.debug("Braintrust: sending spans to {} at {}", where, client.baseUrl());
      return new Braintrust(
          client, exporter, where, app != null ? app : DEFAULT_APP_URL, org, shutdownTimeout);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /**
   * Caller options first (a destination, an id, a name), then the environment's, then the default.
   */
  private Destination destination() {
    if (destination != null) {
      return destination;
    }
    if (projectId != null) {
      return Destination.projectLogs(projectId);
    }
    if (projectName != null) {
      return Destination.projectLogsByName(projectName);
    }
    String id = env.first("BRAINTRUST_PROJECT_ID", "BRAINTRUST_DEFAULT_PROJECT_ID");
    if (id != null) {
      return Destination.projectLogs(id);
    }
    String name =
        env.first(
            "BRAINTRUST_PROJECT", "BRAINTRUST_DEFAULT_PROJECT_NAME", "BRAINTRUST_DEFAULT_PROJECT");
    return Destination.projectLogsByName(name != null ? name : DEFAULT_PROJECT);
  }
}
