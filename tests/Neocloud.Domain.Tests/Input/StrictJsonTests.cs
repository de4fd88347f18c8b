using System.Text;
using System.Text.Json;
using Neocloud.Domain.Input;

namespace Neocloud.Domain.Tests.Input;

/// <summary>What a parser lets through and no reader may see: a field named twice, a string that is not Unicode text.</summary>
public sealed class StrictJsonTests
{
    private static JsonElement Parse(byte[] utf8) => JsonDocument.Parse(utf8).RootElement;

    private static JsonElement Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    private static byte[] WithBytes(string before, byte[] bad, string after) => [.. Encoding.UTF8.GetBytes(before), .. bad, .. Encoding.UTF8.GetBytes(after)];

    [Theory]
    [InlineData("""{"gpus":1,"gpus":7}""", "gpus")]
    [InlineData("""{"gpus":1,"gp\u0075s":7}""", "gpus")]
    [InlineData("""{"capacity":[{"start":1,"end":2},{"start":1,"end":2,"end":3}]}""", "capacity[1].end")]
    [InlineData("""{"priceIndex":{"kind":"fixed","kind":"series"}}""", "priceIndex.kind")]
    public void A_field_named_twice_is_an_error_on_its_path(string json, string field)
    {
        var errors = StrictJson.Check(Parse(json));

        Assert.Equal([field], errors.Keys);
        Assert.Equal(StrictJson.DuplicateMessage, errors.For(field));
    }

    [Theory]
    [InlineData("""{"id":"\ud800"}""", "id")]
    [InlineData("""{"id":"a\udc00b"}""", "id")]
    [InlineData("""{"legs":[{"sku":"GB300"},{"sku":"\ud83d"}]}""", "legs[1].sku")]
    [InlineData("""{"scopes":["market:read","\udfff"]}""", "scopes[1]")]
    [InlineData("""{"\ud800":1}""", "$")]
    [InlineData("\"\\ud800\"", "$")]
    public void A_lone_surrogate_escape_is_an_error_on_its_path(string json, string field)
    {
        var errors = StrictJson.Check(Parse(json));

        Assert.Equal([field], errors.Keys);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC3, 0x28 })]
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })] // a surrogate encoded in UTF-8 (CESU)
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80, 0x80 })]
    public void Bytes_that_are_not_utf8_in_a_string_are_an_error_on_its_path(byte[] bad)
    {
        var errors = StrictJson.Check(Parse(WithBytes("""{"pool":{"id":"a""", bad, "\"}}")));

        Assert.Equal(["pool.id"], errors.Keys);
        Assert.Equal(StrictJson.NotTextMessage, errors.For("pool.id"));
    }

    [Fact]
    public void A_clean_document_has_no_errors()
    {
        Assert.True(StrictJson.Check(Parse("""{"a":"💥 \u00e9","b":[{"a":1},{"a":2}],"c":{"a":{"a":null}}}""")).IsEmpty);
    }

    [Fact]
    public void Field_readers_report_a_lone_surrogate_as_a_bad_field_instead_of_throwing()
    {
        var fields = JsonFields.Of(Parse("""{"id":"\ud800","name":"\udc00","start":"\ud800","price":"\ud800","tags":["\ud800"]}"""));

        Assert.Null(fields.Id("id"));
        Assert.Null(fields.String("name"));
        Assert.Null(fields.Hour("start"));
        Assert.Null(fields.Price("price"));
        Assert.Null(fields.Strings("tags", 4));
        Assert.Equal(["id", "name", "price", "start", "tags"], fields.Errors.Keys.Order());
    }

    [Fact]
    public void Field_readers_report_a_field_named_twice()
    {
        var fields = JsonFields.Of(Parse("""{"gpus":1,"gpus":7}"""));

        fields.Integer("gpus", 1, 100);
        fields.RejectUnknown();

        Assert.Equal(StrictJson.DuplicateMessage, fields.Errors.For("gpus"));
    }
}
