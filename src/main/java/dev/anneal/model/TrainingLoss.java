package dev.anneal.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What a training forward to the loss returns ({@link CausalLm#trainingLoss}); every array belongs
 * to the manager of the ids passed in.
 *
 * @param loss the mean next-token loss (scalar), recorded for the backward
 * @param auxLoss the weighted switch loss summed over MoE layers (scalar), or null (as {@link
 *     ForwardResult#auxLoss()})
 * @param routing per MoE layer, what its router did (empty for dense models)
 */
public record TrainingLoss(NDArray loss, NDArray auxLoss, List<LayerRouting> routing) {}
