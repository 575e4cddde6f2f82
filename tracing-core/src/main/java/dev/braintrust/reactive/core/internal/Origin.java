package dev.braintrust.reactive.core.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What {@code context.span_origin} says about the process: this library's name and version, and the
 * environment the spans were captured in, resolved once from the process environment as the
 * instrumentation guide orders it (explicit variables, then CI, then server platforms; never a
 * guessed {@code local}).
 */
public final class Origin {
  /** {@code span_origin.name}: a Braintrust SDK, named {@code braintrust.sdk.<language>}. */
  public static final String NAME = "braintrust.sdk.java-reactive";

  private static final String VERSION = readVersion();
  // BRAINTRUST_ENVIRONMENT_TYPE/_NAME may also come from .env.braintrust, as the spec allows.
  private static final @Nullable Environment ENVIRONMENT =
      Environment.resolve(BraintrustEnv.system()::get);

  private Origin() {}

  /** This library's version, or {@code unknown} when its build information is missing. */
  public static String version() {
    return VERSION;
  }

  /** The environment found at startup, or null when nothing reliable names one. */
  public static @Nullable Environment environment() {
    return ENVIRONMENT;
  }

  private static String readVersion() {
    try (InputStream in = Origin.class.getResourceAsStream("origin.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      String v = p.getProperty("version", "").strip();
      return v.isEmpty() || v.startsWith("$") ? "unknown" : v;
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** {@code span_origin.environment}: a type ({@code ci}, {@code server}, ...) and/or a name. */
  public static final class Environment {
    private final @Nullable String type;
    private final @Nullable String name;

    Environment(@Nullable String type, @Nullable String name) {
      this.type = type;
      this.name = name;
    }

    /** {@code environment.type}, or null when only a name was given. */
    public @Nullable String type() {
      return type;
    }

    /** {@code environment.name}, or null when unknown. */
    public @Nullable String name() {
      return name;
    }

    // CI providers, checked in this order; a generic CI variable comes after them.
    private static final String[][] CI = {
      {"GITHUB_ACTIONS", "github_actions"},
      {"GITLAB_CI", "gitlab_ci"},
      {"CIRCLECI", "circleci"},
      {"BUILDKITE", "buildkite"},
      {"JENKINS_URL", "jenkins"},
      {"JENKINS_HOME", "jenkins"},
      {"TF_BUILD", "azure_pipelines"},
      {"TEAMCITY_VERSION", "teamcity"},
      {"TRAVIS", "travis_ci"},
      {"BITBUCKET_BUILD_NUMBER", "bitbucket_pipelines"},
    };

    // Server platforms named by a variable only they set. ECS comes before Lambda: both can set
    // AWS_EXECUTION_ENV, and the guide classifies the ECS values as server/ecs.
    private static final String[][] SERVER = {
      {"VERCEL", "vercel"},
      {"NETLIFY", "netlify"},
      {"ECS_CONTAINER_METADATA_URI_V4", "ecs"},
      {"ECS_CONTAINER_METADATA_URI", "ecs"},
      {"AWS_LAMBDA_FUNCTION_NAME", "aws_lambda"},
      {"K_SERVICE", "cloud_run"},
      {"FUNCTION_TARGET", "cloud_functions"},
      {"KUBERNETES_SERVICE_HOST", "kubernetes"},
      {"DYNO", "heroku"},
      {"FLY_APP_NAME", "fly"},
      {"RAILWAY_ENVIRONMENT", "railway"},
      {"RENDER_SERVICE_NAME", "render"},
    };

    /**
     * Resolves the environment from {@code env} (a variable lookup): {@code
     * BRAINTRUST_ENVIRONMENT_TYPE} / {@code _NAME} first (each kept on its own when only one is
     * set), then CI providers, generic {@code CI}, then server platforms. Null when none applies.
     */
    public static @Nullable Environment resolve(Function<String, @Nullable String> env) {
      String type = value(env, "BRAINTRUST_ENVIRONMENT_TYPE");
      String name = value(env, "BRAINTRUST_ENVIRONMENT_NAME");
      if (type != null || name != null) {
        return new Environment(type, name == null ? null : normalize(name));
      }
      for (String[] ci : CI) {
        if (flag(env, ci[0])) {
          return new Environment("ci", ci[1]);
        }
      }
      if (flag(env, "CI")) {
        return new Environment("ci", "ci");
      }
      String exec = value(env, "AWS_EXECUTION_ENV");
      if (exec != null && exec.startsWith("AWS_ECS_")) {
        return new Environment("server", "ecs");
      }
      for (String[] server : SERVER) {
        if (flag(env, server[0])) {
          return new Environment("server", server[1]);
        }
      }
      if (exec != null && exec.startsWith("AWS_Lambda_")) {
        return new Environment("server", "aws_lambda");
      }
      return null;
    }

    private static @Nullable String value(Function<String, @Nullable String> env, String key) {
      String v = env.apply(key);
      return v == null || v.isBlank() ? null : v.strip();
    }

    /** Set to anything but an explicit false: CI systems set these to "true", "1" or a URL. */
    private static boolean flag(Function<String, @Nullable String> env, String key) {
      String v = value(env, key);
      return v != null && !v.equalsIgnoreCase("false") && !v.equals("0");
    }

    /**
     * Lower snake case, as the guide asks of environment names ("GitHub Actions" → github_actions).
     */
    static String normalize(String name) {
      String s = name.strip().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
      s = s.replaceAll("^_+|_+$", "");
      return s.isEmpty() ? name.strip() : s;
    }
  }
}
