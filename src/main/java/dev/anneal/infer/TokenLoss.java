package dev.anneal.infer;

/**
 * The loss on one predicted token.
 *
 * @param tokenId the token the model had to predict
 * @param token the text this token adds (pieces of a text concatenate to it; a character split over
 *     tokens lands on the token that completes it)
 * @param loss −log p(token | everything before), in nats
 */
public record TokenLoss(int tokenId, String token, double loss) {}
