using System.Text.Json;

namespace Neocloud.Storage.Tests;

/// <summary>A journal row's actor as its column holds it: compact JSON that reads back as it was written.</summary>
public sealed class JournalActorTests
{
    [Fact]
    public void An_actor_is_compact_json_with_kind_id_and_name()
    {
        var actor = new JournalActor(JournalActor.TokenKind, "tok_1", "desk bot");

        Assert.Equal("""{"kind":"token","id":"tok_1","name":"desk bot"}""", actor.Text);
        Assert.Equal("""{"kind":"exchange","id":"exchange","name":"exchange"}""", JournalActor.Exchange.Text);
    }

    [Theory]
    [InlineData("Ana \"the admin\" Souza")]
    [InlineData("back\\slash")]
    [InlineData("José Müller <ops@example.com>")]
    [InlineData("line\nbreak\ttab\u0001")]
    [InlineData("")]
    public void Any_name_is_escaped_as_json_and_reads_back_the_same(string name)
    {
        var actor = new JournalActor(JournalActor.PersonKind, "sub|42", name);

        using var document = JsonDocument.Parse(actor.Text);
        Assert.Equal(name, document.RootElement.GetProperty("name").GetString());
        Assert.Equal(actor, JournalActor.Parse(actor.Text));
        Assert.Equal(actor.Text, JournalActor.Parse(actor.Text)!.Text);
    }

    [Fact]
    public void A_row_without_an_actor_reads_as_the_exchange_and_a_row_with_a_broken_one_as_none()
    {
        Assert.Same(JournalActor.Exchange, JournalActor.Parse(null));
        Assert.Same(JournalActor.Exchange, JournalActor.Parse(""));
        Assert.Null(JournalActor.Parse("not json"));
        Assert.Null(JournalActor.Parse("""{"kind":"token","id":"tok_1"}"""));
        Assert.Null(JournalActor.Parse("""["token","tok_1","x"]"""));
    }
}
