package dev.braintrust.reactive.transport.jdk.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A TLS context trusting exactly the CA certificates of a PEM file. */
public final class TrustedCertificates {
  private TrustedCertificates() {}

  /**
   * A client TLS context that trusts the certificates in {@code pemFile} and no others; host names
   * are still verified by the HTTP client.
   *
   * @param pemFile one or more {@code -----BEGIN CERTIFICATE-----} blocks
   * @return the context
   * @throws IllegalArgumentException naming the file, if it can't be read or holds no certificate
   */
  public static SSLContext context(Path pemFile) {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(pemFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "trustedCertificates: cannot read certificates from " + pemFile + ": " + e.getMessage(),
          e);
    }
    if (certs.isEmpty()) {
      throw new IllegalArgumentException(
          "trustedCertificates: " + pemFile + " holds no -----BEGIN CERTIFICATE----- block");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate c : certs) {
        store.setCertificateEntry("ca-" + i++, c);
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build a TLS context from " + pemFile, e);
    }
  }
}
