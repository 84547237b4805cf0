#!/usr/bin/env python3
"""Write tiny random checkpoints with transformers (and PEFT adapters) for Anneal's import tests.

Not run in CI. Usage: python make_hf_fixtures.py OUT_DIR
For each model_type (gpt2, llama, qwen2, mixtral) writes OUT_DIR/<type>/ via save_pretrained,
plus OUT_DIR/<type>-lora/ (a PEFT LoRA adapter with nonzero B), and OUT_DIR/<type>/logits.json:
the logits of fixed ids, with and without the adapter, to compare after an Anneal round trip.
"""
import json
import os
import sys

import torch
from transformers import (GPT2Config, GPT2LMHeadModel, LlamaConfig, LlamaForCausalLM,
                          MixtralConfig, MixtralForCausalLM, Qwen2Config, Qwen2ForCausalLM)

IDS = [[1, 5, 9, 2, 7, 3, 11, 4]]


def models():
    yield "gpt2", GPT2LMHeadModel(GPT2Config(
        vocab_size=32, n_positions=16, n_embd=16, n_layer=2, n_head=2,
        activation_function="gelu", bos_token_id=0, eos_token_id=0)), ["c_attn", "c_proj"]
    yield "llama", LlamaForCausalLM(LlamaConfig(
        vocab_size=32, hidden_size=16, intermediate_size=24, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
        tie_word_embeddings=False, rope_theta=10000.0,
        rope_scaling={"rope_type": "yarn", "factor": 2.0, "original_max_position_embeddings": 32,
                      "beta_fast": 32.0, "beta_slow": 1.0})), ["q_proj", "v_proj", "down_proj"]
    yield "qwen2", Qwen2ForCausalLM(Qwen2Config(
        vocab_size=32, hidden_size=16, intermediate_size=24, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
        tie_word_embeddings=True)), ["q_proj", "k_proj", "o_proj"]
    yield "mixtral", MixtralForCausalLM(MixtralConfig(
        vocab_size=32, hidden_size=16, intermediate_size=24, num_hidden_layers=2,
        num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
        num_local_experts=4, num_experts_per_tok=2, tie_word_embeddings=False)), ["q_proj", "v_proj"]


def logits(model):
    with torch.no_grad():
        return model(input_ids=torch.tensor(IDS)).logits[0].tolist()


def main(out):
    from peft import LoraConfig, get_peft_model
    torch.manual_seed(0)
    for name, model, targets in models():
        model.eval()
        for p in model.parameters():  # nonzero everywhere, biases and norms included
            torch.nn.init.normal_(p, std=0.2)
        base = logits(model)
        model.save_pretrained(f"{out}/{name}", safe_serialization=True)
        peft = get_peft_model(model, LoraConfig(r=2, lora_alpha=4, target_modules=targets,
                                                task_type="CAUSAL_LM", lora_dropout=0.0))
        for n, p in peft.named_parameters():
            if "lora_B" in n:
                torch.nn.init.normal_(p, std=0.2)
        peft.eval()
        adapted = logits(peft)
        peft.save_pretrained(f"{out}/{name}-lora")
        with open(f"{out}/{name}/logits.json", "w") as f:
            json.dump({"ids": IDS[0], "base": base, "adapted": adapted}, f)
        print(name, "written")


if __name__ == "__main__":
    main(sys.argv[1])
