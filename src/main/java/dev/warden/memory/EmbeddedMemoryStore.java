package dev.warden.memory;

import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.ConcurrentMergeScheduler;
import org.apache.lucene.index.CorruptIndexException;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexFormatTooNewException;
import org.apache.lucene.index.IndexFormatTooOldException;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.MergeScheduler;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NIOFSDirectory;
import org.apache.lucene.util.BytesRef;
import org.jboss.logging.Logger;

/**
 * The embedded store: one Apache Lucene index on local disk ({@code $WARDEN_DATA_DIR/memory/index}). Each memory is a
 * document with its text (BM25) and its embedding (HNSW graph, dot product of unit vectors, i.e. cosine); the user's id
 * filters every query (unless every document is that user's). A hybrid search runs both rankings over the user's
 * memories and fuses them by reciprocal rank (RRF, k = 60). Every write is committed before it returns (fsync), so it survives {@code kill -9}.
 *
 * <p>An index that cannot be read at start (corrupt, truncated, written by a newer Lucene) is moved aside to
 * {@code index.corrupt-<time>} and a new, empty one is created ({@link #startedEmpty()} then says so, and the service
 * refills it from the database); or, when that is not allowed, opening fails with a message saying what to do.
 */
public final class EmbeddedMemoryStore implements MemoryStore {

    /** JBoss Logging directly (not Quarkus's static Log): the store also runs outside Quarkus, in tools and tests. */
    private static final Logger LOG = Logger.getLogger(EmbeddedMemoryStore.class);

    static final String ID = "id";
    static final String USER = "user";
    static final String SESSION = "session";
    static final String TURN = "turn";
    static final String TEXT = "text";
    static final String AT = "at";
    static final String VECTOR = "vector";

    /** Reciprocal rank fusion's constant (Cormack et al., 2009). */
    static final int RRF_K = 60;
    /** Each ranking contributes this many candidates per requested hit (at least {@link #MIN_CANDIDATES}). */
    static final int CANDIDATES_PER_HIT = 5;

    static final int MIN_CANDIDATES = 40;
    /** Keywords of a query beyond this many (the most common ones) are ignored: a huge message is not a query. */
    static final int MAX_QUERY_TERMS = 128;

    private final Path path;
    private final FSDirectory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final Analyzer analyzer;
    private final boolean startedEmpty;
    private final Path movedAside;
    /** True while {@link #compact()} runs: closing then abandons the merge rather than waiting for it. */
    private volatile boolean compacting;

    private EmbeddedMemoryStore(
            Path path,
            FSDirectory directory,
            IndexWriter writer,
            SearcherManager searchers,
            Analyzer analyzer,
            boolean startedEmpty,
            Path movedAside) {
        this.path = path;
        this.directory = directory;
        this.writer = writer;
        this.searchers = searchers;
        this.analyzer = analyzer;
        this.startedEmpty = startedEmpty;
        this.movedAside = movedAside;
    }

    /**
     * Opens (or creates) the index in {@code path}. An unreadable index is moved aside and replaced by an empty one when
     * {@code replaceUnreadable}; otherwise it is left alone and this throws {@link UnreadableIndexException}.
     */
    public static EmbeddedMemoryStore open(Path path, boolean replaceUnreadable) {
        try {
            return openExisting(path, null);
        } catch (UnreadableIndexException e) {
            if (!replaceUnreadable) {
                throw e;
            }
            Path aside = path.resolveSibling(path.getFileName() + ".corrupt-"
                    + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
                            .withZone(ZoneOffset.UTC)
                            .format(Instant.now()));
            LOG.errorf(
                    "The memory index at %s cannot be read (%s). It is moved to %s and a new index is built from the"
                            + " memories in the database.",
                    path, e.getCause() == null ? e.getMessage() : e.getCause(), aside);
            try {
                Files.move(path, aside);
            } catch (IOException moveFailure) {
                throw new MemoryStoreException(
                        "The memory index at " + path + " cannot be read, and moving it aside to " + aside
                                + " failed: " + moveFailure.getMessage() + ". Move or delete it by hand and start"
                                + " again; the index is rebuilt from the database.",
                        moveFailure);
            }
            return openExisting(path, aside);
        }
    }

    private static EmbeddedMemoryStore openExisting(Path path, Path movedAside) {
        FSDirectory directory = null;
        IndexWriter writer = null;
        Analyzer analyzer = new MemoryAnalyzer();
        try {
            Files.createDirectories(path);
            directory = directory(path);
            boolean existed = DirectoryReader.indexExists(directory);
            IndexWriterConfig config = new IndexWriterConfig(analyzer)
                    .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                    .setRAMBufferSizeMB(64)
                    .setCommitOnClose(true);
            writer = new IndexWriter(directory, config);
            SearcherManager searchers = new SearcherManager(writer, null);
            verify(searchers);
            if (!existed) {
                writer.commit();
            }
            return new EmbeddedMemoryStore(path, directory, writer, searchers, analyzer, !existed, movedAside);
        } catch (LockObtainFailedException e) {
            closeQuietly(writer, directory);
            throw new MemoryStoreException(
                    "The memory index at " + path + " is locked by another process (is another Warden running on"
                            + " the same data directory?).",
                    e);
        } catch (CorruptIndexException
                | IndexFormatTooOldException
                | IndexFormatTooNewException
                | EOFException
                | NoSuchFileException
                | FileNotFoundException e) {
            closeQuietly(writer, directory);
            throw new UnreadableIndexException(path, e);
        } catch (AccessDeniedException e) {
            closeQuietly(writer, directory);
            throw new MemoryStoreException(
                    "The memory index at " + path + " is not accessible: " + e.getMessage()
                            + ". Check the data directory's owner and permissions.",
                    e);
        } catch (IOException | RuntimeException e) {
            closeQuietly(writer, directory);
            if (e instanceof UnreadableIndexException unreadable) {
                throw unreadable;
            }
            throw new MemoryStoreException("The memory index at " + path + " cannot be opened: " + e, e);
        }
    }

    /** Reads every file of the index once and checks its checksum, so damage shows now rather than in a query. */
    private static void verify(SearcherManager searchers) throws IOException {
        IndexSearcher searcher = searchers.acquire();
        try {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                leaf.reader().checkIntegrity();
            }
        } finally {
            searchers.release(searcher);
        }
    }

    /** Memory-mapped files on the JVM; plain positional reads in a native image, which needs no extra registration. */
    private static FSDirectory directory(Path path) throws IOException {
        return System.getProperty("org.graalvm.nativeimage.imagecode") != null
                ? new NIOFSDirectory(path)
                : FSDirectory.open(path);
    }

    /** True when this start found no index (first start, or one was moved aside): it must be refilled. */
    public boolean startedEmpty() {
        return startedEmpty;
    }

    /** Where an unreadable index was moved at this start, or null. */
    public Path movedAside() {
        return movedAside;
    }

    public Path path() {
        return path;
    }

    @Override
    public String kind() {
        return "embedded";
    }

    @Override
    public Set<SearchMode> modes() {
        return EnumSet.allOf(SearchMode.class);
    }

    @Override
    public synchronized void add(List<MemoryRecord> memories) {
        if (memories.isEmpty()) {
            return;
        }
        try {
            for (MemoryRecord memory : memories) {
                writer.updateDocument(new Term(ID, memory.id()), document(memory));
            }
            commit();
        } catch (IOException | AlreadyClosedException e) {
            throw failure("add to", e);
        }
    }

    @Override
    public synchronized void delete(String userId, Collection<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            List<BytesRef> terms = ids.stream().map(BytesRef::new).toList();
            writer.deleteDocuments(new BooleanQuery.Builder()
                    .add(new TermInSetQuery(ID, terms), Occur.FILTER)
                    .add(new TermQuery(new Term(USER, userId)), Occur.FILTER)
                    .build());
            commit();
        } catch (IOException | AlreadyClosedException e) {
            throw failure("delete from", e);
        }
    }

    @Override
    public synchronized void deleteUser(String userId) {
        try {
            writer.deleteDocuments(new Term(USER, userId));
            commit();
        } catch (IOException | AlreadyClosedException e) {
            throw failure("delete from", e);
        }
    }

    private void commit() throws IOException {
        writer.commit();
        searchers.maybeRefreshBlocking();
    }

    /**
     * Merges the index into one segment, then commits and makes it searchable. Each write is its own small segment;
     * Lucene's merge policy combines them into a handful, but every segment is searched with its own HNSW graph and
     * after a bulk load (a rebuild, 100,000 memories) one segment makes a vector search 1.5 to 3 times cheaper than the
     * nine or so the policy settles on (docs/memory.md, Benchmarks). Takes a while (23 s to 2 minutes for 100,000
     * memories on two busy cores); writes and searches go on meanwhile, and closing the store abandons it (every write
     * is already committed).
     */
    public void compact() {
        compacting = true;
        try {
            writer.forceMerge(1);
            synchronized (this) {
                commit();
            }
        } catch (IOException | IllegalStateException e) {
            if (writer.isOpen()) {
                throw failure("compact", e);
            }
            LOG.debugf("Compacting the memory index at %s stopped: the store was closed", path);
        } finally {
            compacting = false;
        }
    }

    /**
     * Waits until Lucene's background merges are done and makes their result searchable: the index as it settles
     * after a burst of writes (used by the benchmark, so it measures what users see rather than a merge in flight).
     */
    void awaitMerges() {
        try {
            MergeScheduler scheduler = writer.getConfig().getMergeScheduler();
            if (scheduler instanceof ConcurrentMergeScheduler concurrent) {
                concurrent.sync();
            }
            searchers.maybeRefreshBlocking();
        } catch (IOException | AlreadyClosedException e) {
            throw failure("merge", e);
        }
    }

    /** How many segments the searchable index has (each is searched separately). */
    int segments() {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.getIndexReader().leaves().size();
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException | AlreadyClosedException e) {
            throw failure("read", e);
        }
    }

    /** How many memories this user has in the index. */
    public int count(String userId) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return searcher.count(new TermQuery(new Term(USER, userId)));
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException | AlreadyClosedException e) {
            throw failure("count in", e);
        }
    }

    @Override
    public List<MemoryHit> search(MemoryQuery query) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return search(searcher, query);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException | AlreadyClosedException e) {
            throw failure("search", e);
        }
    }

    /** One memory found by either ranking: its rank in each (0 when absent) and its two relevance signals. */
    private static final class Candidate {
        final int doc;
        int vectorRank;
        int keywordRank;
        double cosine = Double.NaN;
        double keyword;

        Candidate(int doc) {
            this.doc = doc;
        }

        double fused() {
            return (vectorRank > 0 ? 1.0 / (RRF_K + vectorRank) : 0)
                    + (keywordRank > 0 ? 1.0 / (RRF_K + keywordRank) : 0);
        }
    }

    private List<MemoryHit> search(IndexSearcher searcher, MemoryQuery query) throws IOException {
        // The user filter makes the HNSW search a filtered one (a bit set of the user's documents built per segment
        // and query, and a costlier graph walk) and adds a conjunction to the BM25 one. When every document in the
        // index is this user's (one user, the common case for a self-hosted service) it cannot exclude anything, so it
        // is left out. maxDoc and docFreq both count deleted documents, which searches leave out anyway.
        IndexReader reader = searcher.getIndexReader();
        Term userTerm = new Term(USER, query.userId());
        Query user = reader.docFreq(userTerm) == reader.maxDoc() ? null : new TermQuery(userTerm);
        int candidates = Math.max(query.limit() * CANDIDATES_PER_HIT, MIN_CANDIDATES);
        Map<Integer, Candidate> found = new HashMap<>();
        KeywordQuery keywords = query.mode() == SearchMode.VECTOR ? null : keywordQuery(reader, query.text());
        float[] target = query.vector() == null ? null : unit(query.vector());
        if (query.mode() != SearchMode.KEYWORD) {
            ScoreDoc[] hits =
                    searcher.search(new KnnFloatVectorQuery(VECTOR, target, candidates, user), candidates).scoreDocs;
            for (int i = 0; i < hits.length; i++) {
                Candidate c = found.computeIfAbsent(hits[i].doc, Candidate::new);
                c.vectorRank = i + 1;
                // Lucene scores a dot product d as (1 + d) / 2.
                c.cosine = 2.0 * hits[i].score - 1.0;
            }
        }
        if (keywords != null) {
            Query bm25 = user == null
                    ? keywords.query()
                    : new BooleanQuery.Builder()
                            .add(keywords.query(), Occur.MUST)
                            .add(user, Occur.FILTER)
                            .build();
            ScoreDoc[] hits = searcher.search(bm25, candidates).scoreDocs;
            for (int i = 0; i < hits.length; i++) {
                Candidate c = found.computeIfAbsent(hits[i].doc, Candidate::new);
                c.keywordRank = i + 1;
            }
        }
        List<Candidate> ranked = new ArrayList<>(found.values());
        Comparator<Candidate> order = switch (query.mode()) {
            case VECTOR -> Comparator.comparingInt(c -> c.vectorRank);
            case KEYWORD -> Comparator.comparingInt(c -> c.keywordRank);
            case HYBRID ->
                Comparator.comparingDouble(Candidate::fused).reversed().thenComparingInt(c -> c.doc);
        };
        ranked.sort(order);
        StoredFields stored = searcher.storedFields();
        List<MemoryHit> hits = new ArrayList<>();
        for (Candidate c : ranked) {
            if (hits.size() == query.limit()) {
                break;
            }
            if (query.mode() == SearchMode.HYBRID && Double.isNaN(c.cosine)) {
                c.cosine = cosine(searcher.getIndexReader(), c.doc, target);
            }
            Document doc = stored.document(c.doc);
            if (keywords != null) {
                c.keyword = keywords.coverage(terms(doc.get(TEXT)));
            }
            // clamped: a cosine or a sum of keyword shares can come out a rounding error above 1
            double score = Math.min(
                    1,
                    switch (query.mode()) {
                        case VECTOR -> Math.max(0, c.cosine);
                        case KEYWORD -> c.keyword;
                        case HYBRID -> Math.max(Math.max(0, c.cosine), c.keyword);
                    });
            if (score < query.minScore()) {
                continue;
            }
            hits.add(new MemoryHit(
                    doc.get(ID),
                    doc.get(SESSION),
                    doc.get(TURN),
                    doc.get(TEXT),
                    Instant.ofEpochMilli(doc.getField(AT).numericValue().longValue()),
                    score));
        }
        return hits;
    }

    /** A query's keywords as a BM25 query, with each keyword's inverse document frequency. */
    private record KeywordQuery(Query query, Map<String, Double> idf, double weight) {

        /** The share of the query's keyword weight (sum of idf) that a memory with these keywords has. */
        double coverage(Set<String> memoryTerms) {
            double matched = 0;
            for (Map.Entry<String, Double> term : idf.entrySet()) {
                if (memoryTerms.contains(term.getKey())) {
                    matched += term.getValue();
                }
            }
            return matched / weight;
        }
    }

    private KeywordQuery keywordQuery(IndexReader reader, String text) throws IOException {
        Set<String> terms = terms(text);
        if (terms.isEmpty()) {
            return null;
        }
        long docCount = Math.max(reader.getDocCount(TEXT), 0);
        Map<String, Double> idf = new HashMap<>();
        for (String term : terms) {
            int docFreq = reader.docFreq(new Term(TEXT, term));
            idf.put(term, Math.log(1 + (docCount - docFreq + 0.5) / (docFreq + 0.5)));
        }
        List<String> kept = idf.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .limit(MAX_QUERY_TERMS)
                .map(Map.Entry::getKey)
                .toList();
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        Map<String, Double> weights = new HashMap<>();
        double weight = 0;
        for (String term : kept) {
            query.add(new TermQuery(new Term(TEXT, term)), Occur.SHOULD);
            weights.put(term, idf.get(term));
            weight += idf.get(term);
        }
        return weight <= 0 ? null : new KeywordQuery(query.build(), weights, weight);
    }

    /** The distinct keywords of a text, as the index has them. */
    Set<String> terms(String text) throws IOException {
        Set<String> terms = new LinkedHashSet<>();
        try (TokenStream stream = analyzer.tokenStream(TEXT, text)) {
            CharTermAttribute term = stream.addAttribute(CharTermAttribute.class);
            stream.reset();
            while (stream.incrementToken()) {
                terms.add(term.toString());
            }
            stream.end();
        }
        return terms;
    }

    private static double cosine(IndexReader reader, int doc, float[] target) throws IOException {
        List<LeafReaderContext> leaves = reader.leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
        if (values == null) {
            return 0;
        }
        KnnVectorValues.DocIndexIterator iterator = values.iterator();
        int local = doc - leaf.docBase;
        if (iterator.advance(local) != local) {
            return 0;
        }
        float[] vector = values.vectorValue(iterator.index());
        double dot = 0;
        for (int i = 0; i < vector.length; i++) {
            dot += vector[i] * target[i];
        }
        return dot;
    }

    private static Document document(MemoryRecord memory) {
        Document doc = new Document();
        doc.add(new StringField(ID, memory.id(), Field.Store.YES));
        doc.add(new StringField(USER, memory.userId(), Field.Store.NO));
        if (memory.sessionId() != null) {
            doc.add(new StoredField(SESSION, memory.sessionId()));
        }
        if (memory.turnId() != null) {
            doc.add(new StoredField(TURN, memory.turnId()));
        }
        doc.add(new TextField(TEXT, memory.text(), Field.Store.YES));
        doc.add(new StoredField(AT, memory.at().toEpochMilli()));
        doc.add(new KnnFloatVectorField(VECTOR, unit(memory.vector()), VectorSimilarityFunction.DOT_PRODUCT));
        return doc;
    }

    /** A copy of {@code vector} scaled to unit length (the embedder's vectors already are; this guards the rest). */
    static float[] unit(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        float[] copy = vector.clone();
        if (norm > 0 && Math.abs(norm - 1) > 1e-4) {
            float scale = (float) (1 / Math.sqrt(norm));
            for (int i = 0; i < copy.length; i++) {
                copy[i] *= scale;
            }
        }
        return copy;
    }

    private MemoryStoreException failure(String what, Exception e) {
        return new MemoryStoreException("Could not " + what + " the memory index at " + path + ": " + e, e);
    }

    @Override
    public synchronized void close() {
        try {
            searchers.close();
        } catch (IOException ignored) {
            // the writer's close below matters more
        }
        try {
            if (compacting) {
                // Closing would wait for the merge (a minute or more). Every write is committed already, so rolling
                // back loses nothing and abandons the merge; its partial files are removed at the next start.
                writer.rollback();
            } else {
                writer.close();
            }
        } catch (IOException | AlreadyClosedException e) {
            LOG.warnf("Closing the memory index at %s: %s", path, e);
        }
        try {
            directory.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private static void closeQuietly(IndexWriter writer, FSDirectory directory) {
        try {
            if (writer != null) {
                writer.rollback();
            }
        } catch (IOException | RuntimeException ignored) {
            // already failing
        }
        try {
            if (directory != null) {
                directory.close();
            }
        } catch (IOException ignored) {
            // already failing
        }
    }

    /** The index on disk cannot be read: corrupt, truncated, or written by an incompatible Lucene. */
    public static final class UnreadableIndexException extends MemoryStoreException {
        UnreadableIndexException(Path path, Exception cause) {
            super(
                    "The memory index at " + path + " cannot be read (" + cause + "). Warden rebuilds it from the"
                            + " database: move it aside or delete it and start again, or set"
                            + " warden.memory.embedded.rebuild-unreadable-index=true to let Warden move it aside.",
                    cause);
        }
    }
}
