/*
 * Analysis components for the local Elasticsearch node of `newsingest stack`.
 *
 * The server distribution the stack runs (org.elasticsearch.distribution.integ-test-zip) is the real server but
 * ships without the `analysis-common` module, so the language analyzers and most token filters, tokenizers and
 * char filters are missing. This plugin registers the commonly used ones under the SAME names and with the same
 * options as analysis-common, built from the Lucene analysis jars that the distribution does ship. Names the
 * server registers itself are left alone (analyzers standard/default; token filters stop/shingle/hunspell and the
 * pre-configured lowercase; tokenizer standard), since registering a name twice fails node start-up.
 *
 * Compiled at `stack up` time against the distribution's lib/ by newsingest/stack/elasticsearch.py.
 */
package newsingest.analysis;

import java.io.Reader;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.ar.ArabicAnalyzer;
import org.apache.lucene.analysis.ar.ArabicNormalizationFilter;
import org.apache.lucene.analysis.ar.ArabicStemFilter;
import org.apache.lucene.analysis.bg.BulgarianAnalyzer;
import org.apache.lucene.analysis.bn.BengaliAnalyzer;
import org.apache.lucene.analysis.bn.BengaliNormalizationFilter;
import org.apache.lucene.analysis.br.BrazilianAnalyzer;
import org.apache.lucene.analysis.br.BrazilianStemFilter;
import org.apache.lucene.analysis.ca.CatalanAnalyzer;
import org.apache.lucene.analysis.charfilter.HTMLStripCharFilter;
import org.apache.lucene.analysis.charfilter.MappingCharFilter;
import org.apache.lucene.analysis.charfilter.NormalizeCharMap;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.ckb.SoraniAnalyzer;
import org.apache.lucene.analysis.ckb.SoraniNormalizationFilter;
import org.apache.lucene.analysis.classic.ClassicFilter;
import org.apache.lucene.analysis.classic.ClassicTokenizer;
import org.apache.lucene.analysis.core.DecimalDigitFilter;
import org.apache.lucene.analysis.core.FlattenGraphFilter;
import org.apache.lucene.analysis.core.KeywordAnalyzer;
import org.apache.lucene.analysis.core.KeywordTokenizer;
import org.apache.lucene.analysis.core.LetterTokenizer;
import org.apache.lucene.analysis.core.SimpleAnalyzer;
import org.apache.lucene.analysis.core.StopAnalyzer;
import org.apache.lucene.analysis.core.UpperCaseFilter;
import org.apache.lucene.analysis.core.WhitespaceAnalyzer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.cz.CzechAnalyzer;
import org.apache.lucene.analysis.cz.CzechStemFilter;
import org.apache.lucene.analysis.da.DanishAnalyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.de.GermanLightStemFilter;
import org.apache.lucene.analysis.de.GermanMinimalStemFilter;
import org.apache.lucene.analysis.de.GermanNormalizationFilter;
import org.apache.lucene.analysis.de.GermanStemFilter;
import org.apache.lucene.analysis.el.GreekAnalyzer;
import org.apache.lucene.analysis.el.GreekLowerCaseFilter;
import org.apache.lucene.analysis.email.UAX29URLEmailTokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.et.EstonianAnalyzer;
import org.apache.lucene.analysis.eu.BasqueAnalyzer;
import org.apache.lucene.analysis.fa.PersianAnalyzer;
import org.apache.lucene.analysis.fa.PersianNormalizationFilter;
import org.apache.lucene.analysis.fi.FinnishAnalyzer;
import org.apache.lucene.analysis.fi.FinnishLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.fr.FrenchLightStemFilter;
import org.apache.lucene.analysis.fr.FrenchMinimalStemFilter;
import org.apache.lucene.analysis.ga.IrishAnalyzer;
import org.apache.lucene.analysis.ga.IrishLowerCaseFilter;
import org.apache.lucene.analysis.gl.GalicianAnalyzer;
import org.apache.lucene.analysis.hi.HindiAnalyzer;
import org.apache.lucene.analysis.hi.HindiNormalizationFilter;
import org.apache.lucene.analysis.hu.HungarianAnalyzer;
import org.apache.lucene.analysis.hy.ArmenianAnalyzer;
import org.apache.lucene.analysis.id.IndonesianAnalyzer;
import org.apache.lucene.analysis.in.IndicNormalizationFilter;
import org.apache.lucene.analysis.it.ItalianAnalyzer;
import org.apache.lucene.analysis.it.ItalianLightStemFilter;
import org.apache.lucene.analysis.lt.LithuanianAnalyzer;
import org.apache.lucene.analysis.lv.LatvianAnalyzer;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.LengthFilter;
import org.apache.lucene.analysis.miscellaneous.LimitTokenCountFilter;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.apache.lucene.analysis.miscellaneous.ScandinavianFoldingFilter;
import org.apache.lucene.analysis.miscellaneous.ScandinavianNormalizationFilter;
import org.apache.lucene.analysis.miscellaneous.SetKeywordMarkerFilter;
import org.apache.lucene.analysis.miscellaneous.TrimFilter;
import org.apache.lucene.analysis.miscellaneous.TruncateTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenFilter;
import org.apache.lucene.analysis.ngram.EdgeNGramTokenizer;
import org.apache.lucene.analysis.ngram.NGramTokenFilter;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.nl.DutchAnalyzer;
import org.apache.lucene.analysis.no.NorwegianAnalyzer;
import org.apache.lucene.analysis.no.NorwegianLightStemFilter;
import org.apache.lucene.analysis.path.PathHierarchyTokenizer;
import org.apache.lucene.analysis.path.ReversePathHierarchyTokenizer;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.pt.PortugueseAnalyzer;
import org.apache.lucene.analysis.pt.PortugueseLightStemFilter;
import org.apache.lucene.analysis.pt.PortugueseMinimalStemFilter;
import org.apache.lucene.analysis.pt.PortugueseStemFilter;
import org.apache.lucene.analysis.reverse.ReverseStringFilter;
import org.apache.lucene.analysis.ro.RomanianAnalyzer;
import org.apache.lucene.analysis.ru.RussianAnalyzer;
import org.apache.lucene.analysis.ru.RussianLightStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.apache.lucene.analysis.sr.SerbianAnalyzer;
import org.apache.lucene.analysis.sr.SerbianNormalizationFilter;
import org.apache.lucene.analysis.sv.SwedishAnalyzer;
import org.apache.lucene.analysis.sv.SwedishLightStemFilter;
import org.apache.lucene.analysis.th.ThaiAnalyzer;
import org.apache.lucene.analysis.th.ThaiTokenizer;
import org.apache.lucene.analysis.tr.ApostropheFilter;
import org.apache.lucene.analysis.tr.TurkishAnalyzer;
import org.apache.lucene.analysis.tr.TurkishLowerCaseFilter;
import org.apache.lucene.analysis.util.ElisionFilter;
import org.elasticsearch.common.regex.Regex;
import org.elasticsearch.common.settings.Settings;
import org.elasticsearch.env.Environment;
import org.elasticsearch.index.IndexSettings;
import org.elasticsearch.index.analysis.AbstractCharFilterFactory;
import org.elasticsearch.index.analysis.AbstractIndexAnalyzerProvider;
import org.elasticsearch.index.analysis.AbstractTokenFilterFactory;
import org.elasticsearch.index.analysis.AbstractTokenizerFactory;
import org.elasticsearch.index.analysis.Analysis;
import org.elasticsearch.index.analysis.AnalyzerProvider;
import org.elasticsearch.index.analysis.CharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingCharFilterFactory;
import org.elasticsearch.index.analysis.NormalizingTokenFilterFactory;
import org.elasticsearch.index.analysis.PreBuiltAnalyzerProviderFactory;
import org.elasticsearch.index.analysis.PreConfiguredCharFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenFilter;
import org.elasticsearch.index.analysis.PreConfiguredTokenizer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.indices.analysis.PreBuiltCacheFactory.CachingStrategy;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

import static org.elasticsearch.plugins.AnalysisPlugin.requiresAnalysisSettings;

public final class NewsingestAnalysisPlugin extends Plugin implements AnalysisPlugin {

    /** Builds a Lucene language analyzer from its stop words and stem exclusions. */
    @FunctionalInterface
    interface LanguageAnalyzerFactory {
        Analyzer create(CharArraySet stopWords, CharArraySet stemExclusion);
    }

    record Language(String name, Supplier<CharArraySet> defaultStopWords, LanguageAnalyzerFactory factory) {}

    /** The language analyzers, as in analysis-common (options: stopwords, stopwords_path, stem_exclusion). */
    static final List<Language> LANGUAGES = List.of(
        new Language("arabic", ArabicAnalyzer::getDefaultStopSet, ArabicAnalyzer::new),
        new Language("armenian", ArmenianAnalyzer::getDefaultStopSet, ArmenianAnalyzer::new),
        new Language("basque", BasqueAnalyzer::getDefaultStopSet, BasqueAnalyzer::new),
        new Language("bengali", BengaliAnalyzer::getDefaultStopSet, BengaliAnalyzer::new),
        new Language("brazilian", BrazilianAnalyzer::getDefaultStopSet, BrazilianAnalyzer::new),
        new Language("bulgarian", BulgarianAnalyzer::getDefaultStopSet, BulgarianAnalyzer::new),
        new Language("catalan", CatalanAnalyzer::getDefaultStopSet, CatalanAnalyzer::new),
        new Language("cjk", CJKAnalyzer::getDefaultStopSet, (stop, exclusion) -> new CJKAnalyzer(stop)),
        new Language("czech", CzechAnalyzer::getDefaultStopSet, CzechAnalyzer::new),
        new Language("danish", DanishAnalyzer::getDefaultStopSet, DanishAnalyzer::new),
        new Language("dutch", DutchAnalyzer::getDefaultStopSet, DutchAnalyzer::new),
        new Language("english", EnglishAnalyzer::getDefaultStopSet, EnglishAnalyzer::new),
        new Language("estonian", EstonianAnalyzer::getDefaultStopSet, EstonianAnalyzer::new),
        new Language("finnish", FinnishAnalyzer::getDefaultStopSet, FinnishAnalyzer::new),
        new Language("french", FrenchAnalyzer::getDefaultStopSet, FrenchAnalyzer::new),
        new Language("galician", GalicianAnalyzer::getDefaultStopSet, GalicianAnalyzer::new),
        new Language("german", GermanAnalyzer::getDefaultStopSet, GermanAnalyzer::new),
        new Language("greek", GreekAnalyzer::getDefaultStopSet, (stop, exclusion) -> new GreekAnalyzer(stop)),
        new Language("hindi", HindiAnalyzer::getDefaultStopSet, HindiAnalyzer::new),
        new Language("hungarian", HungarianAnalyzer::getDefaultStopSet, HungarianAnalyzer::new),
        new Language("indonesian", IndonesianAnalyzer::getDefaultStopSet, IndonesianAnalyzer::new),
        new Language("irish", IrishAnalyzer::getDefaultStopSet, IrishAnalyzer::new),
        new Language("italian", ItalianAnalyzer::getDefaultStopSet, ItalianAnalyzer::new),
        new Language("latvian", LatvianAnalyzer::getDefaultStopSet, LatvianAnalyzer::new),
        new Language("lithuanian", LithuanianAnalyzer::getDefaultStopSet, LithuanianAnalyzer::new),
        new Language("norwegian", NorwegianAnalyzer::getDefaultStopSet, NorwegianAnalyzer::new),
        new Language("persian", PersianAnalyzer::getDefaultStopSet, PersianAnalyzer::new),
        new Language("portuguese", PortugueseAnalyzer::getDefaultStopSet, PortugueseAnalyzer::new),
        new Language("romanian", RomanianAnalyzer::getDefaultStopSet, RomanianAnalyzer::new),
        new Language("russian", RussianAnalyzer::getDefaultStopSet, RussianAnalyzer::new),
        new Language("serbian", SerbianAnalyzer::getDefaultStopSet, SerbianAnalyzer::new),
        new Language("sorani", SoraniAnalyzer::getDefaultStopSet, SoraniAnalyzer::new),
        new Language("spanish", SpanishAnalyzer::getDefaultStopSet, SpanishAnalyzer::new),
        new Language("swedish", SwedishAnalyzer::getDefaultStopSet, SwedishAnalyzer::new),
        new Language("thai", ThaiAnalyzer::getDefaultStopSet, (stop, exclusion) -> new ThaiAnalyzer(stop)),
        new Language("turkish", TurkishAnalyzer::getDefaultStopSet, TurkishAnalyzer::new)
    );

    // ---------------------------------------------------------------------------------------------- analyzers

    @Override
    public Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> getAnalyzers() {
        Map<String, AnalysisProvider<AnalyzerProvider<? extends Analyzer>>> analyzers = new TreeMap<>();
        analyzers.put("keyword", (index, env, name, s) -> new FixedAnalyzerProvider(name, new KeywordAnalyzer()));
        analyzers.put("simple", (index, env, name, s) -> new FixedAnalyzerProvider(name, new SimpleAnalyzer()));
        analyzers.put(
            "whitespace",
            (index, env, name, s) -> new FixedAnalyzerProvider(name, new WhitespaceAnalyzer(s.getAsInt("max_token_length", 255)))
        );
        analyzers.put(
            "stop",
            (index, env, name, s) -> new FixedAnalyzerProvider(
                name,
                new StopAnalyzer(Analysis.parseStopWords(env, s, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET))
            )
        );
        for (Language lang : LANGUAGES) {
            analyzers.put(
                lang.name(),
                (index, env, name, s) -> new FixedAnalyzerProvider(
                    name,
                    lang.factory()
                        .create(
                            Analysis.parseStopWords(env, s, lang.defaultStopWords().get()),
                            Analysis.parseStemExclusion(s, CharArraySet.EMPTY_SET)
                        )
                )
            );
        }
        return analyzers;
    }

    /** Makes the language analyzers usable by name (mappings, _analyze) without an index-level definition. */
    @Override
    public List<PreBuiltAnalyzerProviderFactory> getPreBuiltAnalyzerProviderFactories() {
        List<PreBuiltAnalyzerProviderFactory> analyzers = new ArrayList<>();
        for (Language lang : LANGUAGES) {
            analyzers.add(
                new PreBuiltAnalyzerProviderFactory(
                    lang.name(),
                    CachingStrategy.LUCENE,
                    () -> lang.factory().create(lang.defaultStopWords().get(), CharArraySet.EMPTY_SET)
                )
            );
        }
        return analyzers;
    }

    static final class FixedAnalyzerProvider extends AbstractIndexAnalyzerProvider<Analyzer> {
        private final Analyzer analyzer;

        FixedAnalyzerProvider(String name, Analyzer analyzer) {
            super(name);
            this.analyzer = analyzer;
        }

        @Override
        public Analyzer get() {
            return analyzer;
        }
    }

    // ---------------------------------------------------------------------------------------------- token filters

    /** Option-less filters that also apply in normalizers (keyword fields) and multi-term queries. */
    static final Map<String, Function<TokenStream, TokenStream>> NORMALIZING_FILTERS = new TreeMap<>(
        Map.ofEntries(
            Map.entry("arabic_normalization", ArabicNormalizationFilter::new),
            Map.entry("bengali_normalization", BengaliNormalizationFilter::new),
            Map.entry("cjk_width", CJKWidthFilter::new),
            Map.entry("decimal_digit", DecimalDigitFilter::new),
            Map.entry("german_normalization", GermanNormalizationFilter::new),
            Map.entry("hindi_normalization", HindiNormalizationFilter::new),
            Map.entry("indic_normalization", IndicNormalizationFilter::new),
            Map.entry("persian_normalization", PersianNormalizationFilter::new),
            Map.entry("scandinavian_folding", ScandinavianFoldingFilter::new),
            Map.entry("scandinavian_normalization", ScandinavianNormalizationFilter::new),
            Map.entry("serbian_normalization", SerbianNormalizationFilter::new),
            Map.entry("sorani_normalization", SoraniNormalizationFilter::new),
            Map.entry("trim", TrimFilter::new),
            Map.entry("uppercase", UpperCaseFilter::new)
        )
    );

    /** Option-less filters that change tokens beyond normalization (stemmers, graph filters...). */
    static final Map<String, Function<TokenStream, TokenStream>> PLAIN_FILTERS = new TreeMap<>(
        Map.ofEntries(
            Map.entry("apostrophe", ApostropheFilter::new),
            Map.entry("arabic_stem", ArabicStemFilter::new),
            Map.entry("brazilian_stem", BrazilianStemFilter::new),
            Map.entry("cjk_bigram", CJKBigramFilter::new),
            Map.entry("classic", ClassicFilter::new),
            Map.entry("czech_stem", CzechStemFilter::new),
            Map.entry("dutch_stem", ts -> new SnowballFilter(ts, "Dutch")),
            Map.entry("flatten_graph", FlattenGraphFilter::new),
            Map.entry("french_stem", ts -> new SnowballFilter(ts, "French")),
            Map.entry("german_stem", GermanStemFilter::new),
            Map.entry("kstem", KStemFilter::new),
            Map.entry("porter_stem", PorterStemFilter::new),
            Map.entry("remove_duplicates", RemoveDuplicatesTokenFilter::new),
            Map.entry("reverse", ReverseStringFilter::new),
            Map.entry("russian_stem", ts -> new SnowballFilter(ts, "Russian"))
        )
    );

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        Map<String, AnalysisProvider<TokenFilterFactory>> filters = new TreeMap<>();
        NORMALIZING_FILTERS.forEach((key, f) -> filters.put(key, (index, env, name, s) -> new NormalizingFilter(name, f, f)));
        PLAIN_FILTERS.forEach((key, f) -> filters.put(key, (index, env, name, s) -> new PlainFilter(name, f)));
        filters.put("lowercase", (index, env, name, s) -> {
            Function<TokenStream, TokenStream> f = lowercase(s.get("language"));
            return new NormalizingFilter(name, f, f);
        });
        filters.put("asciifolding", (index, env, name, s) -> {
            boolean preserveOriginal = s.getAsBoolean("preserve_original", false);
            // a normalizer must emit one token, so normalize() never preserves the original
            return new NormalizingFilter(name, ts -> new ASCIIFoldingFilter(ts, preserveOriginal), ASCIIFoldingFilter::new);
        });
        filters.put("elision", (index, env, name, s) -> {
            CharArraySet articles = Analysis.parseArticles(env, s);
            CharArraySet set = articles == null
                ? FrenchAnalyzer.DEFAULT_ARTICLES
                : new CharArraySet(articles, s.getAsBoolean("articles_case", false));
            Function<TokenStream, TokenStream> f = ts -> new ElisionFilter(ts, set);
            return new NormalizingFilter(name, f, f);
        });
        filters.put("stemmer", (index, env, name, s) -> new PlainFilter(name, stemmer(s.get("language", s.get("name", "porter")))));
        filters.put("snowball", (index, env, name, s) -> new PlainFilter(name, snowball(s.get("language", "English"))));
        filters.put("length", (index, env, name, s) -> {
            int min = s.getAsInt("min", 0);
            int max = s.getAsInt("max", Integer.MAX_VALUE);
            return new PlainFilter(name, ts -> new LengthFilter(ts, min, max));
        });
        filters.put("truncate", (index, env, name, s) -> {
            int length = s.getAsInt("length", 10);
            if (length <= 0) {
                throw new IllegalArgumentException("length parameter must be provided");
            }
            return new PlainFilter(name, ts -> new TruncateTokenFilter(ts, length));
        });
        filters.put("limit", (index, env, name, s) -> {
            int max = s.getAsInt("max_token_count", 1);
            boolean consumeAll = s.getAsBoolean("consume_all_tokens", false);
            return new PlainFilter(name, ts -> new LimitTokenCountFilter(ts, max, consumeAll));
        });
        filters.put("keyword_marker", requiresAnalysisSettings((index, env, name, s) -> {
            CharArraySet words = Analysis.getWordSet(env, s, "keywords");
            if (words == null) {
                throw new IllegalArgumentException("keyword_marker requires either `keywords` or `keywords_path` to be configured");
            }
            CharArraySet set = new CharArraySet(words, s.getAsBoolean("ignore_case", false));
            return new PlainFilter(name, ts -> new SetKeywordMarkerFilter(ts, set));
        }));
        filters.put("edge_ngram", (index, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            return new PlainFilter(name, ts -> new EdgeNGramTokenFilter(ts, min, max, preserve));
        });
        filters.put("ngram", (index, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            checkNgramDiff(index, min, max);
            boolean preserve = s.getAsBoolean("preserve_original", false);
            return new PlainFilter(name, ts -> new NGramTokenFilter(ts, min, max, preserve));
        });
        return filters;
    }

    @Override
    public List<PreConfiguredTokenFilter> getPreConfiguredTokenFilters() {
        List<PreConfiguredTokenFilter> filters = new ArrayList<>();
        NORMALIZING_FILTERS.forEach((name, f) -> filters.add(PreConfiguredTokenFilter.singleton(name, true, f)));
        PLAIN_FILTERS.forEach((name, f) -> filters.add(PreConfiguredTokenFilter.singleton(name, false, f)));
        // "lowercase" is pre-configured by the server itself
        filters.add(PreConfiguredTokenFilter.singleton("asciifolding", true, ASCIIFoldingFilter::new));
        filters.add(PreConfiguredTokenFilter.singleton("elision", true, ts -> new ElisionFilter(ts, FrenchAnalyzer.DEFAULT_ARTICLES)));
        filters.add(PreConfiguredTokenFilter.singleton("stop", false, ts -> new StopFilter(ts, EnglishAnalyzer.ENGLISH_STOP_WORDS_SET)));
        filters.add(PreConfiguredTokenFilter.singleton("stemmer", false, PorterStemFilter::new));
        filters.add(PreConfiguredTokenFilter.singleton("snowball", false, ts -> new SnowballFilter(ts, "English")));
        filters.add(PreConfiguredTokenFilter.singleton("truncate", false, ts -> new TruncateTokenFilter(ts, 10)));
        filters.add(PreConfiguredTokenFilter.singleton("limit", false, ts -> new LimitTokenCountFilter(ts, 1)));
        filters.add(PreConfiguredTokenFilter.singleton("edge_ngram", false, false, ts -> new EdgeNGramTokenFilter(ts, 1)));
        filters.add(PreConfiguredTokenFilter.singleton("ngram", false, false, ts -> new NGramTokenFilter(ts, 1, 2, false)));
        return filters;
    }

    static class PlainFilter extends AbstractTokenFilterFactory {
        private final Function<TokenStream, TokenStream> filter;

        PlainFilter(String name, Function<TokenStream, TokenStream> filter) {
            super(name);
            this.filter = filter;
        }

        @Override
        public TokenStream create(TokenStream tokenStream) {
            return filter.apply(tokenStream);
        }
    }

    static final class NormalizingFilter extends PlainFilter implements NormalizingTokenFilterFactory {
        private final Function<TokenStream, TokenStream> normalizer;

        NormalizingFilter(String name, Function<TokenStream, TokenStream> filter, Function<TokenStream, TokenStream> normalizer) {
            super(name, filter);
            this.normalizer = normalizer;
        }

        @Override
        public TokenStream normalize(TokenStream tokenStream) {
            return normalizer.apply(tokenStream);
        }
    }

    static Function<TokenStream, TokenStream> lowercase(String language) {
        if (language == null) {
            return LowerCaseFilter::new;
        }
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "greek" -> GreekLowerCaseFilter::new;
            case "irish" -> IrishLowerCaseFilter::new;
            case "turkish" -> TurkishLowerCaseFilter::new;
            default -> throw new IllegalArgumentException("language [" + language + "] not support for lower case");
        };
    }

    /** The `stemmer` filter's languages (the common subset of analysis-common's; others fall back to Snowball). */
    static Function<TokenStream, TokenStream> stemmer(String language) {
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "arabic" -> ArabicStemFilter::new;
            case "brazilian" -> BrazilianStemFilter::new;
            case "czech" -> CzechStemFilter::new;
            case "english", "porter" -> PorterStemFilter::new;
            case "light_english", "kstem" -> KStemFilter::new;
            case "minimal_english" -> EnglishMinimalStemFilter::new;
            case "possessive_english" -> EnglishPossessiveFilter::new;
            case "light_finnish" -> FinnishLightStemFilter::new;
            case "light_french" -> FrenchLightStemFilter::new;
            case "minimal_french" -> FrenchMinimalStemFilter::new;
            case "german", "german2" -> snowball("German");
            case "light_german" -> GermanLightStemFilter::new;
            case "minimal_german" -> GermanMinimalStemFilter::new;
            case "light_italian" -> ItalianLightStemFilter::new;
            case "light_norwegian" -> NorwegianLightStemFilter::new;
            case "light_portuguese" -> PortugueseLightStemFilter::new;
            case "minimal_portuguese" -> PortugueseMinimalStemFilter::new;
            case "portuguese_rslp" -> PortugueseStemFilter::new;
            case "light_russian" -> RussianLightStemFilter::new;
            case "light_spanish" -> SpanishLightStemFilter::new;
            case "light_swedish" -> SwedishLightStemFilter::new;
            default -> snowball(language);
        };
    }

    static Function<TokenStream, TokenStream> snowball(String language) {
        String stemmer = language.substring(0, 1).toUpperCase(Locale.ROOT) + language.substring(1).toLowerCase(Locale.ROOT);
        try {
            Class.forName("org.tartarus.snowball.ext." + stemmer + "Stemmer", false, SnowballFilter.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("unsupported stemmer language [" + language + "]");
        }
        return ts -> new SnowballFilter(ts, stemmer);
    }

    static void checkNgramDiff(IndexSettings index, int min, int max) {
        int maxDiff = index.getMaxNgramDiff();
        if (max - min > maxDiff) {
            throw new IllegalArgumentException(
                "The difference between max_gram and min_gram in NGram Tokenizer must be less than or equal to: ["
                    + maxDiff
                    + "] but was ["
                    + (max - min)
                    + "]. This limit can be set by changing the [index.max_ngram_diff] index level setting."
            );
        }
    }

    // ---------------------------------------------------------------------------------------------- tokenizers

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        Map<String, AnalysisProvider<TokenizerFactory>> tokenizers = new TreeMap<>();
        tokenizers.put("keyword", (index, env, name, s) -> {
            int bufferSize = s.getAsInt("buffer_size", 256);
            return tokenizer(name, () -> new KeywordTokenizer(bufferSize));
        });
        tokenizers.put("whitespace", (index, env, name, s) -> {
            int maxTokenLength = s.getAsInt("max_token_length", 255);
            return tokenizer(name, () -> new WhitespaceTokenizer(maxTokenLength));
        });
        tokenizers.put("letter", (index, env, name, s) -> tokenizer(name, LetterTokenizer::new));
        tokenizers.put("classic", (index, env, name, s) -> tokenizer(name, ClassicTokenizer::new));
        tokenizers.put("thai", (index, env, name, s) -> tokenizer(name, ThaiTokenizer::new));
        tokenizers.put("uax_url_email", (index, env, name, s) -> {
            int maxTokenLength = s.getAsInt("max_token_length", 255);
            return tokenizer(name, () -> {
                UAX29URLEmailTokenizer t = new UAX29URLEmailTokenizer();
                t.setMaxTokenLength(maxTokenLength);
                return t;
            });
        });
        tokenizers.put("pattern", (index, env, name, s) -> {
            Pattern pattern = Regex.compile(s.get("pattern", "\\W+"), s.get("flags"));
            int group = s.getAsInt("group", -1);
            return tokenizer(name, () -> new PatternTokenizer(pattern, group));
        });
        AnalysisProvider<TokenizerFactory> pathHierarchy = (index, env, name, s) -> {
            char delimiter = singleChar(s.get("delimiter"), PathHierarchyTokenizer.DEFAULT_DELIMITER, "delimiter");
            char replacement = singleChar(s.get("replacement"), delimiter, "replacement");
            int bufferSize = s.getAsInt("buffer_size", 1024);
            int skip = s.getAsInt("skip", 0);
            boolean reverse = s.getAsBoolean("reverse", false);
            return tokenizer(
                name,
                () -> reverse
                    ? new ReversePathHierarchyTokenizer(bufferSize, delimiter, replacement, skip)
                    : new PathHierarchyTokenizer(bufferSize, delimiter, replacement, skip)
            );
        };
        tokenizers.put("path_hierarchy", pathHierarchy);
        tokenizers.put("PathHierarchy", pathHierarchy);
        tokenizers.put("ngram", (index, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            checkNgramDiff(index, min, max);
            rejectTokenChars(s, name);
            return tokenizer(name, () -> new NGramTokenizer(min, max));
        });
        tokenizers.put("edge_ngram", (index, env, name, s) -> {
            int min = s.getAsInt("min_gram", 1);
            int max = s.getAsInt("max_gram", 2);
            rejectTokenChars(s, name);
            return tokenizer(name, () -> new EdgeNGramTokenizer(min, max));
        });
        return tokenizers;
    }

    @Override
    public List<PreConfiguredTokenizer> getPreConfiguredTokenizers() {
        List<PreConfiguredTokenizer> tokenizers = new ArrayList<>();
        tokenizers.add(PreConfiguredTokenizer.singleton("keyword", KeywordTokenizer::new));
        tokenizers.add(PreConfiguredTokenizer.singleton("whitespace", WhitespaceTokenizer::new));
        tokenizers.add(PreConfiguredTokenizer.singleton("letter", LetterTokenizer::new));
        tokenizers.add(PreConfiguredTokenizer.singleton("classic", ClassicTokenizer::new));
        tokenizers.add(PreConfiguredTokenizer.singleton("thai", ThaiTokenizer::new));
        tokenizers.add(PreConfiguredTokenizer.singleton("uax_url_email", UAX29URLEmailTokenizer::new));
        tokenizers.add(PreConfiguredTokenizer.singleton("pattern", () -> new PatternTokenizer(Regex.compile("\\W+", null), -1)));
        tokenizers.add(PreConfiguredTokenizer.singleton("path_hierarchy", PathHierarchyTokenizer::new));
        tokenizers.add(PreConfiguredTokenizer.singleton("ngram", NGramTokenizer::new));
        tokenizers.add(PreConfiguredTokenizer.singleton("edge_ngram", () -> new EdgeNGramTokenizer(1, 2)));
        return tokenizers;
    }

    static TokenizerFactory tokenizer(String name, Supplier<Tokenizer> supplier) {
        return new AbstractTokenizerFactory(name) {
            @Override
            public Tokenizer create() {
                return supplier.get();
            }
        };
    }

    static char singleChar(String value, char fallback, String setting) {
        if (value == null) {
            return fallback;
        }
        if (value.length() != 1) {
            throw new IllegalArgumentException(setting + " must be a one char value");
        }
        return value.charAt(0);
    }

    static void rejectTokenChars(Settings s, String name) {
        if (s.get("token_chars") != null || s.get("token_chars.0") != null || s.get("custom_token_chars") != null) {
            throw new IllegalArgumentException(
                "[" + name + "]: token_chars is not supported by the newsingest local stack's analysis plugin"
            );
        }
    }

    // ---------------------------------------------------------------------------------------------- char filters

    @Override
    public Map<String, AnalysisProvider<CharFilterFactory>> getCharFilters() {
        Map<String, AnalysisProvider<CharFilterFactory>> filters = new TreeMap<>();
        filters.put("html_strip", (index, env, name, s) -> {
            List<String> escaped = s.getAsList("escaped_tags", List.of());
            HashSet<String> tags = new HashSet<>(escaped);
            return new AbstractCharFilterFactory(name) {
                @Override
                public Reader create(Reader reader) {
                    return tags.isEmpty() ? new HTMLStripCharFilter(reader) : new HTMLStripCharFilter(reader, tags);
                }
            };
        });
        filters.put("mapping", requiresAnalysisSettings((index, env, name, s) -> {
            List<String> rules = Analysis.getWordList(env, s, "mappings");
            if (rules == null) {
                throw new IllegalArgumentException("mapping requires either `mappings` or `mappings_path` to be configured");
            }
            NormalizeCharMap map = mappingRules(rules);
            return new CharFilter(name, reader -> new MappingCharFilter(map, reader));
        }));
        filters.put("pattern_replace", requiresAnalysisSettings((index, env, name, s) -> {
            String pattern = s.get("pattern");
            if (pattern == null || pattern.isEmpty()) {
                throw new IllegalArgumentException("pattern is missing for [" + name + "] char filter of type 'pattern_replace'");
            }
            Pattern compiled = Regex.compile(pattern, s.get("flags"));
            String replacement = s.get("replacement", "");
            return new CharFilter(name, reader -> new PatternReplaceCharFilter(compiled, replacement, reader));
        }));
        return filters;
    }

    @Override
    public List<PreConfiguredCharFilter> getPreConfiguredCharFilters() {
        return List.of(PreConfiguredCharFilter.singleton("html_strip", false, HTMLStripCharFilter::new));
    }

    static final class CharFilter extends AbstractCharFilterFactory implements NormalizingCharFilterFactory {
        private final Function<Reader, Reader> filter;

        CharFilter(String name, Function<Reader, Reader> filter) {
            super(name);
            this.filter = filter;
        }

        @Override
        public Reader create(Reader reader) {
            return filter.apply(reader);
        }
    }

    private static final Pattern MAPPING_RULE = Pattern.compile("(.*)\\s*=>\\s*(.*)\\s*$");

    static NormalizeCharMap mappingRules(List<String> rules) {
        NormalizeCharMap.Builder builder = new NormalizeCharMap.Builder();
        for (String rule : rules) {
            Matcher m = MAPPING_RULE.matcher(rule);
            if (m.find() == false) {
                throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]");
            }
            String lhs = unescape(m.group(1).trim());
            String rhs = unescape(m.group(2).trim());
            if (lhs.isEmpty()) {
                throw new IllegalArgumentException("Invalid Mapping Rule : [" + rule + "]. Illegal mapping.");
            }
            builder.add(lhs, rhs);
        }
        return builder.build();
    }

    static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 >= s.length()) {
                out.append(c);
                continue;
            }
            char next = s.charAt(++i);
            switch (next) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 >= s.length()) {
                        throw new IllegalArgumentException("Invalid escaped char in [" + s + "]");
                    }
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                    i += 4;
                }
                default -> out.append(next);
            }
        }
        return out.toString();
    }
}
