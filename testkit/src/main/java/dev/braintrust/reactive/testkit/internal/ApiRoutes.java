package dev.braintrust.reactive.testkit.internal;

import java.util.function.Supplier;

/**
 * Every route of the API over the server's stores, and the handlers the server also calls directly.
 *
 * @param router the routes
 * @param functions creates functions for {@code BraintrustTestServer.createFunction}
 * @param config creates views for {@code BraintrustTestServer.createView}
 * @param credentials tells the gateway which temporary proxy keys are valid
 */
public record ApiRoutes(
    Router router,
    FunctionHandler functions,
    ProjectConfigHandler config,
    CredentialHandler credentials) {

  /**
   * Builds the routes; summaries link to {@code baseUrl}; the attachment object store keeps
   * uploaded content only if {@code retainBlobs}.
   */
  public static ApiRoutes build(
      ObjectStore objects,
      RowStore rows,
      FakeModel model,
      Supplier<String> baseUrl,
      boolean retainBlobs) {
    Router.Builder routes = Router.builder();
    new ObjectHandler(objects).register(routes);
    new EventHandler(objects, rows).register(routes);
    SummaryHandler summaries = new SummaryHandler(objects, rows, baseUrl);
    summaries.register(routes);
    FunctionHandler functions = new FunctionHandler(objects);
    functions.register(routes);
    new PromptHandler(objects).register(routes);
    ProjectConfigHandler config = new ProjectConfigHandler(objects);
    config.register(routes);
    new EvalHandler(objects, rows, summaries).register(routes);
    new BtqlHandler(objects, rows).register(routes);
    new DatasetVersionHandler(objects).register(routes);
    new OrgHandler(objects, baseUrl).register(routes);
    new AclHandler(objects).register(routes);
    CredentialHandler credentials = new CredentialHandler(objects);
    credentials.register(routes);
    new ProxyHandler(model).register(routes);
    new AnthropicHandler(model).register(routes);
    new GeminiHandler(model).register(routes);
    new BedrockHandler(model).register(routes);
    new AttachmentHandler(new BlobStore(retainBlobs), baseUrl).register(routes);
    return new ApiRoutes(routes.build(), functions, config, credentials);
  }
}
