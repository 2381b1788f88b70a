package dev.warden.memory;

import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * What a native image needs registered for long-term memory (no Quarkus extension does it): Lucene creates token
 * attributes reflectively ({@code AttributeFactory} looks up {@code <Attribute>Impl} and its constructor), and
 * langchain4j's Chroma client maps its request and response classes with Jackson. Lucene's codecs are found through
 * {@code META-INF/services}, which native images support as they are; in a native image the index is read with
 * {@code NIOFSDirectory} rather than memory-mapped ({@link EmbeddedMemoryStore}). Not verified natively here: no
 * GraalVM on these machines (the native build runs in the GitHub workflow).
 */
@RegisterForReflection(
        classNames = {
            "org.apache.lucene.analysis.tokenattributes.BytesTermAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.CharTermAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.FlagsAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.KeywordAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.OffsetAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.PackedTokenAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.PayloadAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.PositionIncrementAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.PositionLengthAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.SentenceAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.TermFrequencyAttributeImpl",
            "org.apache.lucene.analysis.tokenattributes.TypeAttributeImpl",
            "org.apache.lucene.search.BoostAttributeImpl",
            "org.apache.lucene.search.MaxNonCompetitiveBoostAttributeImpl",
            "dev.langchain4j.store.embedding.chroma.AddEmbeddingsRequest",
            "dev.langchain4j.store.embedding.chroma.Collection",
            "dev.langchain4j.store.embedding.chroma.CreateCollectionRequest",
            "dev.langchain4j.store.embedding.chroma.Database",
            "dev.langchain4j.store.embedding.chroma.DeleteEmbeddingsRequest",
            "dev.langchain4j.store.embedding.chroma.QueryRequest",
            "dev.langchain4j.store.embedding.chroma.QueryResponse",
            "dev.langchain4j.store.embedding.chroma.Tenant",
            "dev.warden.memory.JdkHttpClientFactory"
        })
final class MemoryNativeImage {

    private MemoryNativeImage() {}
}
