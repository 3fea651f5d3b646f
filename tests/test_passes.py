"""One test per extraction pass: a short line of the kind that motivated it, and a near miss
the pass must leave alone. The lines are written for the tests, not taken from any note.

A pass that shapes a claim names itself in the claim's `because`; a pass that drops one leaves
no claim. Meta-tests below: every pass has a docstring and a test here, the registries run in
the documented order, and no rule quotes a line of the bundled notes.
"""

import re
from pathlib import Path

import pytest

from conftest import NOTES, ROOT
from kg.extract import ALL_PASSES, LIMIT_PASSES

THIS = Path(__file__).read_text(encoding="utf-8")


def _short(iri):
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri else iri


def extract(extractor, text):
    return extractor.extract(extractor.parse(text, "note.md"))


def limits(extractor, text):
    """(service, attribute, qualifier, value, contexts, because) of each limit."""
    return [(_short(c.service), c.attribute, c.qualifier, str(c.quantity), tuple(_short(k) for k in c.contexts),
             c.because) for c in extract(extractor, text).limits]


def integrations(extractor, text):
    return [(_short(c.source), _short(c.target), _short(c.relation), c.negative, c.because)
            for c in extract(extractor, text).integrations]


def shaped_by(name, claims):
    return [c for c in claims if name in c[-1]]


# ---------------------------------------------------------------- unit

def test_UnitFromQualifiedNeighbour(extractor):
    got = limits(extractor, "# Amazon SQS\n- Keeps messages up to 9 days, default 3\n")
    assert [c[:4] for c in shaped_by("UnitFromQualifiedNeighbour", got)] == [
        ("sqs", "retention period", "default", "3 days")]
    # the value to borrow from is in another clause: the bare number borrows nothing, counts nothing
    assert [c[3] for c in limits(extractor, "# Amazon SQS\n- Keeps messages up to 9 days. Default 3\n")] == ["9 days"]


def test_SecondsWrittenAsRate(extractor):
    got = limits(extractor, "# Amazon SQS\n- Delay 0/s to 12/s\n")
    assert [c[:4] for c in got] == [("sqs", "delivery delay", "minimum", "0 seconds"),
                                    ("sqs", "delivery delay", "maximum", "12 seconds")]
    assert all("SecondsWrittenAsRate" in c[-1] for c in got)
    # a rate with no time kind around it stays a rate
    near = limits(extractor, "# Amazon SQS\n- Receives 300/s\n")
    assert [c[3] for c in near] == ["300 per second"] and not shaped_by("SecondsWrittenAsRate", near)


# ---------------------------------------------------------------- drop

def test_DropRepeatedOrStatusNumber(extractor):
    assert limits(extractor, "# Amazon SQS\n- Requests fail with HTTP error 503 when overloaded\n") == []
    assert [c[3] for c in limits(extractor, "# Amazon SQS\n- Up to 503 queues\n")] == ["503 queues"]


def test_DropUncountedNumber(extractor):
    assert limits(extractor, "# AWS Lambda\n- Released in 2014\n") == []
    assert [c[:4] for c in limits(extractor, "# AWS Lambda\n- Up to 5 layers per function\n")] == [
        ("lambda", "layers per function", "maximum", "5 layers")]


def test_DropWithoutSubject(extractor):
    assert limits(extractor, "# Notes\n- Max message size is 256 KB\n") == []
    assert [c[0] for c in limits(extractor, "# Amazon SNS\n- Max message size is 256 KB\n")] == ["sns"]


def test_DropWordNumberStatedExactly(extractor):
    assert limits(extractor, "# Amazon EC2\n- Two layers of checks\n") == []
    assert [c[2:4] for c in limits(extractor, "# AWS Lambda\n- Up to five layers per function\n")] == [
        ("maximum", "5 layers")]


# ---------------------------------------------------------------- kind

def test_KindFromClause(extractor):
    got = limits(extractor, "# Amazon SQS\n- Message size 256 KB\n")
    assert [c[1] for c in shaped_by("KindFromClause", got)] == ["message size"]
    # words of no kind: a free label, no kind pass
    near = limits(extractor, "# Amazon SQS\n- Frobnication quota ⇒ 42 MB\n")
    assert [c[1] for c in near] == ["frobnication quota"] and not shaped_by("KindFromClause", near)


def test_KindFromStatement(extractor):
    got = limits(extractor, "# Amazon SQS\n- Message size: 256 KB, batches of 10 messages; 1 MB total\n")
    assert [c[1:4] for c in shaped_by("KindFromStatement", got)] == [("message size", "exact", "1 MB")]
    assert [c[3] for c in got if "KindFromClause" in c[-1]] == ["256 KB", "10 messages"]


def test_KindFromSection(extractor):
    got = limits(extractor, "# Amazon SQS\n- Retention period\n  - 9 days at most\n")
    assert [c[1] for c in shaped_by("KindFromSection", got)] == ["retention period"]
    near = limits(extractor, "# Amazon SQS\n- 9 days at most\n")
    assert [c[1] for c in near] == ["value"] and not shaped_by("KindFromSection", near)
    # a count that names what it counts takes no section kind that names something else
    own = limits(extractor, "# IAM groups hold users\n- 250 groups at most\n")
    assert [c[1] for c in own] == ["number of groups"] and not shaped_by("KindFromSection", own)


def test_KindFromCountedNoun(extractor):
    got = limits(extractor, "# AWS Lambda\n- Functions scale up to 16vCPUs\n")
    assert [c[1] for c in shaped_by("KindFromCountedNoun", got)] == ["vCPUs"]
    near = limits(extractor, "# Amazon SQS\n- Queues hold 12 widgets\n")
    assert not shaped_by("KindFromCountedNoun", near)


def test_KindFromAntecedent(extractor):
    got = limits(extractor, "# AWS KMS\n- KMS has a quota for requests per second\n- They are between 4,000 and 9,000\n")
    assert [c[2:4] for c in shaped_by("KindFromAntecedent", got)] == [("minimum", "4,000 per second"),
                                                                       ("maximum", "9,000 per second")]
    # no pronoun: the sentence is not about the one before
    assert limits(extractor, "# AWS KMS\n- KMS has a quota for requests per second\n- Between 4,000 and 9,000\n") == []


def test_KindOfBareNumberFromSection(extractor):
    got = limits(extractor, "# AWS Lambda\n- Concurrency quotas\n  - 1500 in the largest regions\n")
    assert [c[1:4] for c in shaped_by("KindOfBareNumberFromSection", got)] == [("concurrency", "maximum", "1,500")]
    assert limits(extractor, "# AWS Lambda\n- Some remarks\n  - 1500 in the largest regions\n") == []


def test_NarrowerKindFromSection(extractor):
    got = limits(extractor, "# Amazon RDS\n## Backups\n- Retention period up to 30 days\n")
    assert [c[1] for c in shaped_by("NarrowerKindFromSection", got)] == ["backup retention period"]
    near = limits(extractor, "# Amazon RDS\n## Logs\n- Retention period up to 30 days\n")
    assert [c[1] for c in near] == ["retention period"]


def test_GenericKindOfBareValue(extractor):
    got = limits(extractor, "# Notes\n- Snowball\n  - 70 TB\n")
    assert [c[:4] for c in shaped_by("GenericKindOfBareValue", got)] == [("snowball", "value", "exact", "70 TB")]
    near = limits(extractor, "# Notes\n- Snowball\n  - holds about 70 TB of cold archives\n")
    assert not shaped_by("GenericKindOfBareValue", near)


# ---------------------------------------------------------------- subject

def test_SubjectFromClause(extractor):
    got = limits(extractor, "# Notes\n- SNS messages can be up to 128 KB\n")
    assert [c[0] for c in shaped_by("SubjectFromClause", got)] == ["sns"]
    # after a preposition the service is an instrument: the section's service is the subject
    near = limits(extractor, "# Amazon S3\n- Stored in S3, objects are at most 4 TB\n")
    assert [c[0] for c in near] == ["s3"] and not shaped_by("SubjectFromClause", near)


def test_SubjectFromStatement(extractor):
    got = limits(extractor, "# Notes\n- SQS: batches of 10 messages. Each is at most 128 KB\n")
    assert [c[:4] for c in shaped_by("SubjectFromStatement", got)] == [("sqs", "message size", "maximum", "128 KB")]
    assert [c[3] for c in got if "SubjectFromClause" in c[-1]] == ["10 messages"]


def test_SubjectFromSection(extractor):
    got = limits(extractor, "# Amazon SQS\n- Messages are up to 128 KB in size\n")
    assert [c[0] for c in shaped_by("SubjectFromSection", got)] == ["sqs"]
    near = limits(extractor, "# Amazon SQS\n- SNS messages are up to 128 KB in size\n")
    assert [c[0] for c in near] == ["sns"] and not shaped_by("SubjectFromSection", near)


def test_SubjectFromTopic(extractor):
    got = limits(extractor, "# AWS Lambda\n- Timeout 15 minutes\n# Misc\n- Timeout 12 minutes\n")
    assert [(c[0], c[3]) for c in shaped_by("SubjectFromTopic", got)] == [("lambda", "12 minutes")]
    assert not shaped_by("SubjectFromTopic", limits(extractor, "# Misc\n- Timeout 12 minutes\n"))


def test_FeatureOfSubject(extractor):
    got = limits(extractor, "# Notes\n- SQS FIFO queues\n  - SQS keeps messages up to 9 days\n")
    assert [c[0] for c in shaped_by("FeatureOfSubject", got)] == ["sqs-fifo"]
    near = limits(extractor, "# Notes\n- Standard queues\n  - SQS keeps messages up to 9 days\n")
    assert [c[0] for c in near] == ["sqs"]


# ---------------------------------------------------------------- attribute

def test_AttributeFromKind(extractor):
    got = limits(extractor, "# AWS Lambda\n- RAM 256 MB\n")
    assert [c[1] for c in shaped_by("AttributeFromKind", got)] == ["memory"]
    assert not shaped_by("AttributeFromKind", limits(extractor, "# AWS Lambda\n- Frobnication quota ⇒ 42 MB\n"))


def test_AttributeFromWords(extractor):
    got = limits(extractor, "# AWS Lambda\n- Frobnication quota ⇒ 42 MB\n")
    assert [c[1] for c in shaped_by("AttributeFromWords", got)] == ["frobnication quota"]
    # with nothing before the value, the words after it
    after = limits(extractor, "# AWS Lambda\n- 42 MB of frobnication\n")
    assert [c[1] for c in after] == ["frobnication"]
    # a count of a noun with no words before it is the number of those
    assert [c[1] for c in limits(extractor, "# AWS IAM\n- 250 groups limit\n")] == ["number of groups"]
    assert [c[1] for c in limits(extractor, "# AWS IAM\n- Frobnication quota ⇒ 250 groups\n")] == ["frobnication quota"]


def test_bare_numbers_listed_before_a_value_take_its_unit(extractor):
    got = limits(extractor, "# AWS Savings Plans\n- Commit for 2 or 4 years\n")
    assert [c[3] for c in got] == ["2 years", "4 years"]
    assert [c[3] for c in limits(extractor, "# AWS Direct Connect\n- Ports of 2, 20 or 200 Gbps\n")] == [
        "2 Gbps", "20 Gbps", "200 Gbps"]
    # a number that is no alternative of the value keeps its own reading
    assert [c[3] for c in limits(extractor, "# AWS Savings Plans\n- Step 2 lasts 4 years\n")] == ["4 years"]


def test_the_file_name_names_the_subject_of_last_resort(extractor):
    note = "Blocks come in sizes from 2 GB to 9 TB\n"
    got = extractor.extract(extractor.parse(note, "vault/Elastic Block Store.md")).limits
    assert {c.service.rsplit("/", 1)[-1] for c in got} == {"ebs"}
    # a heading naming a service wins over the file name; a name of two services names none
    headed = extractor.extract(extractor.parse("# Amazon S3\n- " + note, "vault/Elastic Block Store.md")).limits
    assert {c.service.rsplit("/", 1)[-1] for c in headed} == {"s3"}
    assert extractor.extract(extractor.parse(note, "notes/12_s3_and_ebs.md")).limits == ()


# ---------------------------------------------------------------- qualifier

def test_QualifierFromRange(extractor):
    got = limits(extractor, "# Amazon SQS\n- Retention from 2 minutes to 9 days\n")
    assert [c[2] for c in shaped_by("QualifierFromRange", got)] == ["minimum", "maximum"]
    assert not shaped_by("QualifierFromRange", limits(extractor, "# Amazon SQS\n- Retention of 9 days\n"))


def test_QualifierFromCue(extractor):
    assert [c[2] for c in limits(extractor, "# Amazon SQS\n- Messages up to 128 KB\n")] == ["maximum"]
    assert [c[2] for c in limits(extractor, "# Amazon SQS\n- Messages are 128 KB\n")] == ["exact"]
    # a cue past a comma belongs to another value
    got = limits(extractor, "# Amazon SQS\n- Retention 2 days by default, can go to 9 days\n")
    assert [(c[2], c[3]) for c in got][:1] == [("default", "2 days")]


def test_DefaultQuota(extractor):
    got = limits(extractor, "# Amazon EC2\n- By default an account holds up to 8 Elastic IPs\n")
    assert [c[2] for c in shaped_by("DefaultQuota", got)] == ["default"]
    assert [c[2] for c in limits(extractor, "# Amazon EC2\n- Up to 8 Elastic IPs per account\n")] == ["maximum"]


def test_QualifierFromLimitSection(extractor):
    got = limits(extractor, "# AWS Lambda\n- Limits\n  - Memory 2 GB\n")
    assert [c[2] for c in shaped_by("QualifierFromLimitSection", got)] == ["maximum"]
    assert [c[2] for c in limits(extractor, "# AWS Lambda\n- Sizing\n  - Memory 2 GB\n")] == ["exact"]


def test_QualifierExact(extractor):
    assert [c[2] for c in shaped_by("QualifierExact", limits(extractor, "# AWS Lambda\n- Memory 2 GB\n"))] == ["exact"]
    assert not shaped_by("QualifierExact", limits(extractor, "# AWS Lambda\n- Memory up to 2 GB\n"))


# ---------------------------------------------------------------- conditions

def test_ConditionsFromClause(extractor):
    got = limits(extractor, "# AWS Lambda\n- Payload 4 MB (synchronous) 128 KB (asynchronous)\n")
    assert [(c[3], c[4]) for c in got] == [("4 MB", ("synchronous",)), ("128 KB", ("asynchronous",))]
    # a condition in a leading "when ..." clause applies to the value after it
    lead = limits(extractor, "# AWS Lambda\n- When invoked synchronously, payload is up to 4 MB\n")
    assert [c[4] for c in lead] == [("synchronous",)]
    # far from the second value, the first value's condition is not the second's
    near = limits(extractor, "# AWS Lambda\n- Payload 4 MB synchronous, 128 KB\n")
    assert [c[4] for c in near] == [("synchronous",), ()]


def test_ConditionsFromSection(extractor):
    got = limits(extractor, "# AWS Lambda\n## Synchronous\n- Payload up to 4 MB\n")
    assert [c[4] for c in shaped_by("ConditionsFromSection", got)] == [("synchronous",)]
    # a heading naming both sides of a contrast is about neither
    near = limits(extractor, "# AWS Lambda\n## Synchronous vs asynchronous\n- Payload up to 4 MB\n")
    assert [c[4] for c in near] == [()]


def test_DropConditionNamingKind(extractor):
    got = limits(extractor, "# Amazon SQS\n- Long polling wait time 1 to 15 seconds\n")
    assert [c[4] for c in got] == [(), ()] and all("DropConditionNamingKind" in c[-1] for c in got)
    near = limits(extractor, "# AWS Lambda\n## Synchronous\n- Payload up to 4 MB\n")
    assert [c[4] for c in near] == [("synchronous",)] and not shaped_by("DropConditionNamingKind", near)


def test_NearerOfOppositeConditions(extractor):
    got = limits(extractor, "# AWS Lambda\n## Asynchronous\n- Payload 4 MB when synchronous\n")
    assert [c[4] for c in shaped_by("NearerOfOppositeConditions", got)] == [("synchronous",)]
    near = limits(extractor, "# AWS Lambda\n## Asynchronous\n- Payload 128 KB\n")
    assert [c[4] for c in near] == [("asynchronous",)]


# ---------------------------------------------------------------- over a note

def test_DropUnconfirmedTopical(extractor):
    # memory of Lambda is stated nowhere with Lambda named: the carried-over subject is a guess
    assert [c[1] for c in limits(extractor, "# AWS Lambda\n- Timeout 15 minutes\n# Misc\n- Memory 2 GB\n")] == [
        "execution timeout"]
    confirmed = limits(extractor, "# AWS Lambda\n- Timeout 15 minutes\n# Misc\n- Timeout 12 minutes\n")
    assert [c[3] for c in confirmed] == ["15 minutes", "12 minutes"]


def test_DropRestatedExact(extractor):
    got = limits(extractor, "# AWS Lambda\n- Timeout 900 seconds by default; timeout 900 seconds\n")
    assert [(c[2], c[3]) for c in got] == [("default", "900 seconds")]
    near = limits(extractor, "# AWS Lambda\n- Timeout 900 seconds by default; timeout 600 seconds\n")
    assert [(c[2], c[3]) for c in near] == [("default", "900 seconds"), ("exact", "600 seconds")]


def test_DropRepeatedLimit(extractor):
    assert [c[3] for c in limits(extractor, "# AWS Lambda\n- Timeout 600 seconds (10 minutes)\n")] == ["600 seconds"]
    assert len(limits(extractor, "# AWS Lambda\n- Timeout 900 seconds, or 10 minutes\n")) == 2


# ---------------------------------------------------------------- integrations

def test_RelationCuesInClause(extractor):
    assert [c[:3] for c in integrations(extractor, "# X\n- SNS sends messages to SQS\n")] == [
        ("sns", "sqs", "delivers-to")]
    assert integrations(extractor, "# X\n- SNS and SQS are both managed\n") == []


def test_DropLoneService(extractor):
    assert [c[:2] for c in integrations(extractor, "# AWS Lambda\n- is triggered by S3\n")] == [("s3", "lambda")]
    assert integrations(extractor, "# Amazon S3\n- is triggered by S3\n") == []


def test_RelationFromNearestCue(extractor):
    assert [c[2] for c in integrations(extractor, "# X\n- S3 integrates with and triggers Lambda\n")] == ["triggers"]
    assert [c[2] for c in integrations(extractor, "# X\n- S3 integrates with Lambda\n")] == ["integrates-with"]


def test_PolarityFromLeadingDenial(extractor):
    got = integrations(extractor, "# X\n- SNS does not send to SQS\n")
    assert [c[3] for c in got] == [True] and shaped_by("PolarityFromLeadingDenial", got)
    trailing = integrations(extractor, "# X\n- Lambda functions can subscribe to SNS directly, no queue needed\n")
    assert [c[3] for c in trailing] == [False]


def test_DropDeniedAdviceOrMultiplicity(extractor):
    assert integrations(extractor, "# X\n- SNS is not advised to send to SQS\n") == []
    assert integrations(extractor, "# X\n- SNS cannot send to multiple SQS queues\n") == []
    assert [c[3] for c in integrations(extractor, "# X\n- SNS cannot send to SQS\n")] == [True]


def test_DirectionFromVoice(extractor):
    assert [c[:2] for c in integrations(extractor, "# X\n- Lambda is triggered by S3\n")] == [("s3", "lambda")]
    assert [c[:2] for c in integrations(extractor, "# X\n- Lambda triggers S3\n")] == [("lambda", "s3")]
    # each service of a list before the cue is a source; none is the other's target
    assert [c[:2] for c in integrations(extractor, "# X\n- Both SNS and SQS can trigger Lambda\n")] == [
        ("sns", "lambda"), ("sqs", "lambda")]
    # alternatives before a directed cue with nothing after it relate to nothing
    assert integrations(extractor, "# X\n- Pick SSE-S3 or SSE-KMS to encrypt the data\n") == []
    # alternatives after the cue, with no section service, are its objects, not each other's
    assert integrations(extractor, "# X\n- Keeps the credentials for RDS or Redshift\n") == []
    # ... but "from A to B" names a source and a target
    assert [c[:2] for c in integrations(extractor, "# X\n- Sends from SNS to SQS\n")] == [("sns", "sqs")]


def test_DropComparedServices(extractor):
    got = integrations(extractor, "# Amazon MQ\n- Scales less well than SQS or SNS but works with Lambda\n")
    assert [c[:2] for c in got] == [("mq", "lambda")] and shaped_by("DropComparedServices", got)
    # "than" that compares something else leaves the services alone
    assert [c[:2] for c in integrations(extractor, "# X\n- More than one SNS topic sends to SQS\n")] == [
        ("sns", "sqs")]


def test_DropQuestion(extractor):
    got = integrations(extractor, "# X\n- Which service lets SNS send to SQS?\n")
    assert got == []
    assert [c[:2] for c in integrations(extractor, "# X\n- SNS sends to SQS. Why?\n")] == [("sns", "sqs")]


def test_DirectionAlongArrows(extractor):
    got = integrations(extractor, "# X\n- Flow: S3 -> Lambda -> a script -> DynamoDB\n")
    assert [c[:3] for c in got] == [("s3", "lambda", "delivers-to")] and shaped_by("DirectionAlongArrows", got)
    # a procedure's steps are no flow of data
    assert integrations(extractor, "# X\n- Open S3 -> choose Lambda -> create a DynamoDB table\n") == []
    assert [c[:2] for c in integrations(extractor, "# X\n- S3 -> creates Lambda -> DynamoDB\n")] == [
        ("s3", "lambda"), ("lambda", "dynamodb")]
    # one arrow is no chain: the services on its two sides are source and targets
    assert [c[:2] for c in integrations(extractor, "# X\n- S3 -> Lambda and SQS\n")] == [("s3", "lambda"), ("s3", "sqs")]


def test_DropSameOrMissingEnd(extractor):
    # the section's service is named among the sources: it does not trigger itself
    assert [c[:2] for c in integrations(extractor, "# AWS Lambda\n- is triggered by Lambda and S3\n")] == [
        ("s3", "lambda")]


def test_DropPartOfWhole(extractor):
    assert integrations(extractor, "# X\n- DynamoDB Streams trigger DynamoDB\n") == []
    assert [c[:2] for c in integrations(extractor, "# X\n- DynamoDB Streams trigger Lambda\n")] == [
        ("dynamodb-streams", "lambda")]


def test_RelationFromParentBullet(extractor):
    got = integrations(extractor, "# X\n- Secrets Manager rotates credentials for:\n  - Amazon RDS\n  - Amazon Redshift\n")
    assert [c[:3] for c in got] == [("secrets-manager", "rds", "authenticates-with"),
                                    ("secrets-manager", "redshift", "authenticates-with")]
    assert all(c[-1] == ("RelationFromParentBullet",) for c in got)
    # the parent names its own object: the child list is something else
    near = integrations(extractor, "# X\n- Secrets Manager rotates credentials for RDS:\n  - Amazon Redshift\n")
    assert [c[:2] for c in near] == [("secrets-manager", "rds")]
    # a child that says something of its own is no item of the parent's list
    assert integrations(extractor, "# X\n- Amazon RDS performance monitoring\n  - kept for a week in CloudWatch\n") == []


def test_DropRepeatedIntegration(extractor):
    assert len(integrations(extractor, "# X\n- SNS sends to SQS; SNS sends to SQS\n")) == 1
    assert len(integrations(extractor, "# X\n- SNS sends to SQS\n- SNS sends to SQS\n")) == 2


# ---------------------------------------------------------------- capabilities and settings

def _capabilities(extractor, text):
    return [(_short(c.service), c.feature, c.positive, c.condition, c.rule) for c in extract(extractor, text).capabilities]


def test_DefaultState(extractor):
    assert [c[1:3] for c in _capabilities(extractor, "# Amazon S3\n- New objects are encrypted by default\n")
            if c[-1] == "DefaultState"] == [(("encrypt", "default"), True)]
    assert [c[2] for c in _capabilities(extractor, "# Amazon S3\n- Default encryption can be enabled\n")
            if c[-1] == "DefaultState"] == [False]
    assert not [c for c in _capabilities(extractor, "# Amazon S3\n- Objects are encrypted with keys\n")
                if c[-1] == "DefaultState"]


def test_DefaultState_reads_any_participle_and_a_leading_by_default(extractor):
    def default_states(text):
        return [c[:3] for c in _capabilities(extractor, text) if c[-1] == "DefaultState"]
    # the state word nearest the cue, not the first one of the line
    assert default_states("# Amazon CloudWatch Logs\n- Log groups are encrypted by default\n") == [
        ("cloudwatch-logs", ("encrypt", "default"), True)]
    assert default_states("# Amazon S3\n- Tags will not be copied by default\n") == [
        ("s3", ("tags", "copi", "default"), False)]
    assert default_states("# Amazon RDS\n- Cross-region copies are disabled by default\n")[0][2] is False
    assert default_states("# AWS CodeBuild\n- By default, CodeBuild keeps no build cache\n") == [
        ("codebuild", ("keeps", "build", "cache", "default"), False)]
    # "by default" after a value belongs to the value (a limit), not to what follows
    assert default_states("# Amazon S3\n- kept 30 days by default, then archived\n") == []
    # with no verb, the words before the cue are the state, said of the first service not after
    # a preposition, denied by a denial among them
    assert default_states("# Amazon SQS\n- SQS queues are private by default\n") == [
        ("sqs", ("private", "default"), True)]
    assert default_states("# X\n- Once in a VPC, a Lambda function has no internet access by default\n") == [
        ("lambda", ("internet", "acces", "default"), False)]
    # words after the cue that go on the clause are not what holds by default
    assert default_states("# Amazon SQS\n- Messages wait hidden by default until a consumer reads them\n")[0][1][:2] \
        == ("messag", "wait")


def test_Ability(extractor):
    got = [c for c in _capabilities(extractor, "# AWS KMS\n- Imported keys cannot be exported later\n")
           if c[-1] == "Ability"]
    assert [(c[0], c[1][:1], c[2]) for c in got] == [("kms", ("export",), False)]
    assert [c[:3] for c in _capabilities(extractor, "# AWS KMS\n- Keys can be rotated every year\n")
            if c[-1] == "Ability"] == [("kms", ("rotat", "year"), True)]
    # advice to the reader states no capability; "supports" is left to Support
    assert not [c for c in _capabilities(extractor, "# AWS KMS\n- You can use keys to sign\n") if c[-1] == "Ability"]
    assert not [c for c in _capabilities(extractor, "# AWS KMS\n- KMS cannot support that\n") if c[-1] == "Ability"]


def test_Support(extractor):
    got = [c for c in _capabilities(extractor, "# AWS CodeDeploy\n- On-premises servers have no blue/green deployment\n")
           if c[-1] == "Support"]
    assert [(c[2], c[1][:2]) for c in got] == [(False, ("bluegreen", "deploy"))] and got[0][3]
    assert [c[2] for c in _capabilities(extractor, "# AWS CodeDeploy\n- EC2 supports blue/green deployment\n")
            if c[-1] == "Support"] == [True]
    # a service named after the cue is what is (not) supported; the section's service is the subject
    assert [c[:3] for c in _capabilities(extractor, "# AWS Glue\n- Does not support Amazon SQS as input\n")
            if c[-1] == "Support"][0][0] == "glue"


def test_Address(extractor):
    settings = extract(extractor, "# Amazon EC2\n- Metadata lives at http://169.254.169.254/latest/meta-data/\n").settings
    assert [(s.value, s.rule) for s in settings] == [("169.254.169.254", "Address")]
    assert extract(extractor, "# Amazon VPC\n- The smallest block is 10.0.0.0/28\n").settings == ()


# ---------------------------------------------------------------- the registries

def test_every_pass_has_a_rule_and_a_test():
    names = [p.name for p in ALL_PASSES]
    assert len(names) == len(set(names))
    for p in ALL_PASSES:
        doc = type(p).__doc__ or ""
        assert len(doc.split()) >= 8, f"{p.name} states no rule"
        assert f"def test_{p.name}(" in THIS, f"{p.name} has no test"


def test_limit_passes_decide_in_order():
    order = [p.decides for p in LIMIT_PASSES]
    # units before kinds, kinds before subjects, then attribute, qualifier, conditions
    firsts = {d: order.index(d) for d in ("unit", "kind", "subject", "attribute", "qualifier", "conditions")}
    assert firsts["unit"] < firsts["kind"] < firsts["subject"] < firsts["attribute"] < firsts["qualifier"] \
        < firsts["conditions"]
    assert all(p.decides for p in LIMIT_PASSES)


def _prose(source: Path) -> list[str]:
    """The docstrings and comments of a source file, each on one line."""
    import ast
    import io
    import tokenize

    text = source.read_text(encoding="utf-8")
    out = [node.value for node in ast.walk(ast.parse(text))
           if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value.split()) >= 4]
    out += [tok.string for tok in tokenize.generate_tokens(io.StringIO(text).readline) if tok.type == tokenize.COMMENT]
    return [" ".join(p.split()) for p in out]


def test_no_rule_quotes_a_line_of_the_bundled_notes(extractor):
    """Quoted examples in the extraction code's docstrings and comments are written for it,
    not copied from notes."""
    lines = set()
    for path in sorted(NOTES.iterdir()):
        for st in extractor.parse(path.read_bytes().decode("utf-8-sig"), path).statements:
            lines.add(" ".join(st.text.lower().split()))
    blob = "\n".join(lines)
    for source in sorted((ROOT / "kg" / "extract").glob("*.py")):
        for prose in _prose(source):
            for quoted in re.findall(r'"([^"]+)"', prose):
                words = quoted.lower().split()
                if len(words) >= 4:
                    assert " ".join(words).strip(" .") not in blob, f"{source.name} quotes a note: {quoted!r}"


def test_the_version_covers_every_file_of_the_extraction_package():
    from kg.version import extraction_files

    files = set(extraction_files())
    package = {p.resolve() for p in (ROOT / "kg" / "extract").glob("*.py")}
    assert package and package <= {p.resolve() for p in files}


@pytest.mark.parametrize("name", ["Extractor", "Extraction", "LimitClaim", "IntegrationClaim", "CapabilityClaim",
                                  "SettingClaim", "extract_claims", "CAPABILITY_PASSES"])
def test_the_package_keeps_the_public_names(name):
    import kg.extract

    assert hasattr(kg.extract, name)
