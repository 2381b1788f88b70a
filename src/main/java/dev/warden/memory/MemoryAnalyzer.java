package dev.warden.memory;

import java.util.List;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;

/**
 * How memory texts and queries are cut into keywords: Unicode word boundaries (UAX #29, so Cyrillic, Greek, Arabic,
 * Hebrew, Devanagari and the like are words as written), lower case (Greek's final sigma and tonos too), accents folded ({@code café} matches
 * {@code cafe}), Han, Hiragana, Katakana and Hangul as overlapping bigrams (the usual way to search CJK without a
 * dictionary), English function words dropped and English words stemmed ({@code cats}, {@code cat}). The Porter stemmer
 * only rewrites Latin letters, so other scripts pass through it unchanged.
 */
final class MemoryAnalyzer extends Analyzer {

    /**
     * English function words, left out of keyword search: the Snowball stop list (the one Lucene ships as
     * {@code snowball/english_stop.txt}), which unlike Lucene's minimal default also drops pronouns and question words,
     * so "what is my dog's name" searches for "dog" and "name". Kept here rather than read from the jar so a native
     * image needs no resource registration.
     */
    static final CharArraySet STOP_WORDS = new CharArraySet(
            List.of(
                    "i",
                    "me",
                    "my",
                    "myself",
                    "we",
                    "our",
                    "ours",
                    "ourselves",
                    "you",
                    "your",
                    "yours",
                    "yourself",
                    "yourselves",
                    "he",
                    "him",
                    "his",
                    "himself",
                    "she",
                    "her",
                    "hers",
                    "herself",
                    "it",
                    "its",
                    "itself",
                    "they",
                    "them",
                    "their",
                    "theirs",
                    "themselves",
                    "what",
                    "which",
                    "who",
                    "whom",
                    "this",
                    "that",
                    "these",
                    "those",
                    "am",
                    "is",
                    "are",
                    "was",
                    "were",
                    "be",
                    "been",
                    "being",
                    "have",
                    "has",
                    "had",
                    "having",
                    "do",
                    "does",
                    "did",
                    "doing",
                    "would",
                    "should",
                    "could",
                    "ought",
                    "i'm",
                    "you're",
                    "he's",
                    "she's",
                    "it's",
                    "we're",
                    "they're",
                    "i've",
                    "you've",
                    "we've",
                    "they've",
                    "i'd",
                    "you'd",
                    "he'd",
                    "she'd",
                    "we'd",
                    "they'd",
                    "i'll",
                    "you'll",
                    "he'll",
                    "she'll",
                    "we'll",
                    "they'll",
                    "isn't",
                    "aren't",
                    "wasn't",
                    "weren't",
                    "hasn't",
                    "haven't",
                    "hadn't",
                    "doesn't",
                    "don't",
                    "didn't",
                    "won't",
                    "wouldn't",
                    "shan't",
                    "shouldn't",
                    "can't",
                    "cannot",
                    "couldn't",
                    "mustn't",
                    "let's",
                    "that's",
                    "who's",
                    "what's",
                    "here's",
                    "there's",
                    "when's",
                    "where's",
                    "why's",
                    "how's",
                    "a",
                    "an",
                    "the",
                    "and",
                    "but",
                    "if",
                    "or",
                    "because",
                    "as",
                    "until",
                    "while",
                    "of",
                    "at",
                    "by",
                    "for",
                    "with",
                    "about",
                    "against",
                    "between",
                    "into",
                    "through",
                    "during",
                    "before",
                    "after",
                    "above",
                    "below",
                    "to",
                    "from",
                    "up",
                    "down",
                    "in",
                    "out",
                    "on",
                    "off",
                    "over",
                    "under",
                    "again",
                    "further",
                    "then",
                    "once",
                    "here",
                    "there",
                    "when",
                    "where",
                    "why",
                    "how",
                    "all",
                    "any",
                    "both",
                    "each",
                    "few",
                    "more",
                    "most",
                    "other",
                    "some",
                    "such",
                    "no",
                    "nor",
                    "not",
                    "only",
                    "own",
                    "same",
                    "so",
                    "than",
                    "too",
                    "very"),
            false);

    @Override
    protected TokenStreamComponents createComponents(String fieldName) {
        StandardTokenizer source = new StandardTokenizer();
        TokenStream stream = new EnglishPossessiveFilter(source);
        stream = new CJKWidthFilter(stream);
        stream = new GreekLowerCaseFilter(stream);
        stream = new ASCIIFoldingFilter(stream);
        stream = new CJKBigramFilter(stream);
        stream = new StopFilter(stream, STOP_WORDS);
        stream = new PorterStemFilter(stream);
        return new TokenStreamComponents(source, stream);
    }

    @Override
    protected TokenStream normalize(String fieldName, TokenStream in) {
        return new ASCIIFoldingFilter(new GreekLowerCaseFilter(new CJKWidthFilter(in)));
    }
}
