package dev.anneal.data.secrets;

/**
 * Where a secret was found, never the secret itself.
 *
 * @param path the source file, relative to the scanned root
 * @param line 1-based line of the secret's first character; 0 for a whole file ({@code .env})
 * @param kind what it looks like ("aws_access_key", "private_key", "password", "high_entropy" ...)
 */
public record SecretFinding(String path, int line, String kind) {}
