package dev.warden.memory;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * How memory texts and queries are cut into keywords: Unicode word boundaries (UAX #29, so Cyrillic, Greek, Arabic,
 * Hebrew, Devanagari and the like are words as written), lower case (Greek's final sigma and tonos too), accents folded ({@code café} matches
 * {@code cafe}), Han, Hiragana, Katakana and Hangul as overlapping bigrams (the usual way to search CJK without a
 * dictionary), English stop words dropped and English words stemmed ({@code cats}, {@code cat}). The Porter stemmer
 * only rewrites Latin letters, so other scripts pass through it unchanged.
 */
final class MemoryAnalyzer extends Analyzer {

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        StandardTokenizer source = new StandardTokenizer();
        TokenStream stream = new EnglishPossessiveFilter(source);
        stream = new CJKWidthFilter(stream);
        stream = new GreekLowerCaseFilter(stream);
        stream = new ASCIIFoldingFilter(stream);
        stream = new CJKBigramFilter(stream);
        stream = new StopFilter(stream, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(source, stream);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new ASCIIFoldingFilter(new GreekLowerCaseFilter(new CJKWidthFilter(in)));
    }
}
