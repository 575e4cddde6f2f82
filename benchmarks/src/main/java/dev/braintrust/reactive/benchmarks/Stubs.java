package dev.braintrust.reactive.benchmarks;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;

/** Client stubs without a network, for the "wrapper alone" rows. */
final class Stubs {
  private Stubs() {}

  /**
   * An interface whose methods returning {@code answer}'s type return it at once; other default
   * methods run as written and other abstract methods throw. By type, not by whether a method is
   * abstract: SDKs move sub-service getters between abstract and default from release to release.
   */
  static <T> T answering(Class<T> type, Object answer) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              if (method.getReturnType().isInstance(answer)) {
                return answer;
              }
              if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                  case "equals" -> proxy == args[0];
                  case "hashCode" -> System.identityHashCode(proxy);
                  default -> "stub " + type.getSimpleName();
                };
              }
              if (method.isDefault()) {
                return InvocationHandler.invokeDefault(proxy, method, args);
              }
              throw new UnsupportedOperationException(
                  "the " + type.getSimpleName() + " stub has no " + method.getName());
            }));
  }
}
