package dev.braintrust.reactive.transport.internal;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * Builds the client's TLS context from a trust store, PEM certificates and a client key. There is
 * no way to turn certificate or host name checks off here: Reactor Netty verifies the host name of
 * every https connection, and trust is only ever narrowed to the CAs given.
 */
public final class TlsSettings {
  private TlsSettings() {}

  /** Trust in exactly the certificates of {@code store}. */
  public static TrustManagerFactory trust(KeyStore store) {
    try {
      if (store.size() == 0) {
        throw new IllegalArgumentException("trustStore holds no certificates");
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("trustStore cannot be used: " + e.getMessage(), e);
    }
  }

  /** Trust in exactly the CA certificates of a PEM (or DER) file. */
  public static TrustManagerFactory trust(Path pemFile) {
    Collection<? extends Certificate> certs;
    try (InputStream in = Files.newInputStream(pemFile)) {
      certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
    } catch (IOException | CertificateException e) {
      throw new IllegalArgumentException(
          "trustedCertificates: cannot read certificates from " + pemFile + ": " + e, e);
    }
    List<X509Certificate> x509 = new ArrayList<>();
    for (Certificate c : certs) {
      if (c instanceof X509Certificate x) {
        x509.add(x);
      }
    }
    if (x509.isEmpty()) {
      throw new IllegalArgumentException(
          "trustedCertificates: " + pemFile + " holds no X.509 certificates");
    }
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      for (int i = 0; i < x509.size(); i++) {
        store.setCertificateEntry("ca-" + i, x509.get(i));
      }
      return trust(store);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("trustedCertificates cannot be used: " + e, e);
    }
  }

  /**
   * The client's own key and certificate chain for mutual TLS. The password is used here and not
   * kept; messages don't repeat it.
   */
  public static KeyManagerFactory keys(KeyStore store, char[] password) {
    try {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, password);
      return kmf;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "clientCertificate cannot be used: " + e.getClass().getSimpleName(), e);
    }
  }

  /** A client context: the JVM's default trust unless {@code trust} is given. */
  public static SslContext clientContext(
      @Nullable TrustManagerFactory trust, @Nullable KeyManagerFactory keys) {
    try {
      SslContextBuilder b = SslContextBuilder.forClient();
      if (trust != null) {
        b.trustManager(trust);
      }
      if (keys != null) {
        b.keyManager(keys);
      }
      return b.build();
    } catch (SSLException e) {
      throw new IllegalArgumentException("the TLS settings cannot be used: " + e.getMessage(), e);
    }
  }

  /**
   * Whether {@code e} is a TLS handshake that failed on the server's certificate (not trusted, or
   * not for this host): sending again would fail the same way.
   */
  public static boolean isCertificateRefusal(Throwable e) {
    boolean tls = false;
    boolean certificate = false;
    int depth = 0;
    for (Throwable t = e; t != null && depth < 10; t = t.getCause(), depth++) {
      tls |= t instanceof SSLException;
      certificate |=
          t instanceof CertificateException
              || t instanceof java.security.cert.CertPathBuilderException
              || t instanceof java.security.cert.CertPathValidatorException;
    }
    return tls && certificate;
  }
}
