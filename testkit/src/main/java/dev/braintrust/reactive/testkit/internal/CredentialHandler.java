package dev.braintrust.reactive.testkit.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Credentials: {@code /v1/api_key} (the seeded key the server accepts: list, get, delete; deleting
 * it does not stop the server accepting it), {@code /v1/ai_secret} (create or get by name, list;
 * the secret value is kept but never shown) and {@code POST /v1/proxy/credentials}, which mints a
 * temporary key, a JWT signed by the server, that authenticates AI proxy requests (but no other
 * API) until its {@code ttl_seconds} (default 600) run out.
 */
public final class CredentialHandler {
  private static final long DEFAULT_TTL_SECONDS = 600;

  private final ObjectStore objects;
  private final byte[] signingKey = new byte[32];
  // Minted keys and when they stop working; event loops read while others mint.
  private final Map<String, Instant> temporaryKeys = new ConcurrentHashMap<>();

  /** A handler over the keys and secrets in {@code objects}. */
  public CredentialHandler(ObjectStore objects) {
    this.objects = objects;
    new SecureRandom().nextBytes(signingKey);
  }

  /** Adds this handler's routes. */
  public void register(Router.Builder routes) {
    Listing.routes(routes, objects, "api_key", Map.of("api_key_name", "name"), false, true);
    routes.on("POST", "/v1/ai_secret", (ex, p) -> Reply.ok(createSecret(Fields.of(ex.body()))));
    Listing.listRoute(
        routes,
        objects,
        "ai_secret",
        Map.of("ai_secret_name", "name", "ai_secret_type", "type"),
        false);
    routes.on("POST", "/v1/proxy/credentials", (ex, p) -> mint(Fields.of(ex.body())));
  }

  /** Whether {@code key} is a temporary key this handler minted that has not expired. */
  public boolean isTemporaryKey(String key) {
    Instant expires = temporaryKeys.get(key);
    return expires != null && Instant.now().isBefore(expires);
  }

  private ObjectNode createSecret(Fields body) {
    String name = body.required("name");
    body.string("type");
    String secret = body.string("secret");
    body.object("metadata");
    ObjectNode fields = body.pick("type", "metadata").put("org_id", Seeds.ORG_ID);
    if (secret != null) {
      fields.put("_secret", secret);
    }
    return objects.getOrCreate("ai_secret", "name", name, null, fields);
  }

  private Reply mint(Fields body) {
    Integer ttl = body.integer("ttl_seconds");
    if (ttl != null && ttl <= 0) {
      throw HttpError.badRequest("'ttl_seconds' must be a positive integer");
    }
    JsonNode logging = body.object("logging");
    String model = body.string("model");
    Instant now = Instant.now();
    Instant expires = now.plusSeconds(ttl == null ? DEFAULT_TTL_SECONDS : ttl);
    ObjectNode claims = Json.object();
    claims.put("aud", "braintrust_proxy");
    claims.put("iat", now.getEpochSecond());
    claims.put("exp", expires.getEpochSecond());
    claims.put("jti", UUID.randomUUID().toString());
    ObjectNode bt = claims.putObject("bt");
    bt.put("org_name", Seeds.ORG_NAME);
    bt.put("model", model);
    bt.set("logging", logging == null ? null : logging.deepCopy());
    String unsigned =
        base64(Json.bytes(Json.object().put("alg", "HS256").put("typ", "JWT")))
            + "."
            + base64(Json.bytes(claims));
    String key = unsigned + "." + base64(sign(unsigned));
    temporaryKeys.put(key, expires);
    return Reply.ok(Json.object().put("key", key));
  }

  private byte[] sign(String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
      return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
    }
  }

  private static String base64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
