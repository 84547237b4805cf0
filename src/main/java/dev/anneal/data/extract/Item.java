package dev.anneal.data.extract;

import dev.anneal.data.sample.SampleKind;

/**
 * An item found in a source file: a function, struct, impl block ... as character offsets, doc
 * comments and attributes included.
 *
 * @param kind what it is
 * @param start offset of its first character (its first doc comment or attribute)
 * @param end offset just past its last character
 * @param topLevel whether it sits at the file's top level (file samples are cut between these)
 */
public record Item(SampleKind kind, int start, int end, boolean topLevel) {}
