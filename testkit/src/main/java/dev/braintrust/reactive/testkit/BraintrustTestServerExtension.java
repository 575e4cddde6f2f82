package dev.braintrust.reactive.testkit;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one {@link BraintrustTestServer} per test class, reset before each test and
 * injected as a parameter.
 *
 * <pre>{@code
 * @ExtendWith(BraintrustTestServerExtension.class)
 * class MyTest {
 *   @Test void sends(BraintrustTestServer server) { ... }
 * }
 * }</pre>
 */
public final class BraintrustTestServerExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(BraintrustTestServerExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    server(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    BraintrustTestServer s = context.getStore(NS).remove("server", BraintrustTestServer.class);
    if (s != null) {
      s.close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server(context).reset();
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == BraintrustTestServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return server(e);
  }

  private static BraintrustTestServer server(ExtensionContext context) {
    ExtensionContext classContext = context;
    while (classContext.getTestMethod().isPresent() && classContext.getParent().isPresent()) {
      classContext = classContext.getParent().get();
    }
    return classContext
        .getStore(NS)
        .getOrComputeIfAbsent(
            "server",
            k -> BraintrustTestServer.builder().build().start(),
            BraintrustTestServer.class);
  }
}
