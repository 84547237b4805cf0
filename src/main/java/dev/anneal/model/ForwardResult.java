package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What a forward returns; every array belongs to the manager of the ids passed in.
 *
 * @param logits (B, T, V)
 * @param auxLoss the weighted switch loss summed over MoE layers (scalar), or null when the model
 *     has none (dense, not training, or balancing other than aux_loss); add it to the
 *     language-model loss
 * @param routing per MoE layer, what its router did (empty for dense models)
 */
public record ForwardResult(NDArray logits, NDArray auxLoss, List<LayerRouting> routing) {}
