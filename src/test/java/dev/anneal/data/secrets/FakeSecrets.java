package dev.anneal.data.secrets;

/**
 * Made-up secrets in the shapes scanners look for, assembled at run time so that no source file of
 * this repository holds one a secret scanner would flag. None is or was ever a live key.
 */
public final class FakeSecrets {
  private FakeSecrets() {}

  public static String awsAccessKey() {
    return "AK" + "IA" + "Q3EXAMPLE7TESTKY";
  }

  public static String githubToken() {
    return "gh" + "p_" + "Zz9Yy8Xx7Ww6Vv5Uu4Tt3Ss2Rr1Qq0Pp9Oo8";
  }

  public static String privateKey() {
    return "-----BEGIN "
        + "RSA PRIVATE"
        + " KEY-----\n"
        + "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\n"
        + "KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm\n"
        + "-----END "
        + "RSA PRIVATE"
        + " KEY-----";
  }

  /** A random-looking 40-character token that no provider pattern knows. */
  public static String highEntropy() {
    return "q7Lr" + "X2vTn9KpW4bZ" + "s8Fh3JmC6dYg" + "1QeR5uVy0Aoi";
  }

  public static String password() {
    return "Tr0ub4dor" + "&3horse";
  }
}
