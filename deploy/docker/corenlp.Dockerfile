# Stanford CoreNLP server with the English and German NER models, for docker-compose. CoreNLP is GPL-3.0 and
# runs as its own process; newsingest only talks to it over HTTP. Same pom as the local stack.
#   docker build -f deploy/docker/corenlp.Dockerfile -t newsingest/corenlp:4.5.10 .
FROM maven:3.9-eclipse-temurin-21 AS fetch
ARG CORENLP_VERSION=4.5.10
COPY service/newsingest/stack/resources/corenlp/pom.xml /build/pom.xml
RUN mvn -B -q --strict-checksums -f /build/pom.xml dependency:copy-dependencies \
      -Dcorenlp.version=${CORENLP_VERSION} -Dcorenlp.en=true -Dcorenlp.de=true -Dlib.dir=/opt/corenlp/lib

FROM eclipse-temurin:21-jre
RUN useradd --system --uid 1001 corenlp && apt-get update -qq && apt-get install -y -qq wget \
    && rm -rf /var/lib/apt/lists/*
COPY --from=fetch /opt/corenlp/lib /opt/corenlp/lib
COPY service/newsingest/stack/resources/corenlp/server.properties /opt/corenlp/server.properties
USER corenlp
EXPOSE 9000
ENV CORENLP_HEAP=4g CORENLP_THREADS=2
CMD ["sh", "-c", "exec java -Xmx${CORENLP_HEAP} -XX:+UseG1GC -XX:SoftRefLRUPolicyMSPerMB=1000000 \
  -Dsun.net.httpserver.nodelay=true \
  -cp '/opt/corenlp/lib/*' edu.stanford.nlp.pipeline.StanfordCoreNLPServer -port 9000 \
  -threads ${CORENLP_THREADS} -timeout 25000 -maxCharLength 100000 \
  -serverProperties /opt/corenlp/server.properties -quiet true"]
