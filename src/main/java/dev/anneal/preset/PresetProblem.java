package dev.anneal.preset;

/** One broken rule in a preset: the dotted field and what is wrong with it. */
public record PresetProblem(String field, String message) {}
