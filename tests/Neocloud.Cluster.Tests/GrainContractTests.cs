using System.Reflection;
using Neocloud.Cluster.Grains;
using Neocloud.Cluster.Wire;
using Neocloud.Exchange.Shard;
using Neocloud.Market.Commands;
using Neocloud.Storage;

namespace Neocloud.Cluster.Tests;

/// <summary>
/// The market-group grain's interface takes and returns typed values: text only where it is a plain identifier, every
/// other parameter and result a number or a [GenerateSerializer] record, and every command and book fact a type with a
/// converter of its own (so nothing crosses the wire as a journal line or JSON to parse again).
/// </summary>
public sealed class GrainContractTests
{
    /// <summary>The only text a grain method takes: identifiers the market already knows by name (an account's organization among them).</summary>
    private static readonly HashSet<string> s_identifiers = ["sku", "region", "buyer", "poolId", "organization"];

    private static readonly MethodInfo[] s_methods = typeof(IMarketGroupGrain).GetMethods();

    [Fact]
    public void No_grain_method_takes_text_but_a_sku_a_region_a_buyer_a_pool_id_or_an_organization()
    {
        var text = s_methods.SelectMany(m => m.GetParameters().Where(p => p.ParameterType == typeof(string)).Select(p => $"{m.Name}({p.Name})"));

        Assert.All(text, named => Assert.Contains(named[(named.IndexOf('(') + 1)..^1], s_identifiers));
        Assert.Contains(s_methods, m => m.GetParameters().Any(p => p.ParameterType == typeof(string)));
    }

    [Fact]
    public void No_grain_method_returns_text()
    {
        Assert.All(s_methods, m => Assert.NotEqual(typeof(string), Unwrapped(Result(m))));
    }

    [Fact]
    public void Every_other_parameter_and_result_is_a_number_a_flag_or_a_generated_record()
    {
        var types = s_methods.SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(Result(m)))
            .Select(Unwrapped).Where(t => t != typeof(string)).Distinct();

        Assert.All(types, type => Assert.True(type.IsPrimitive || type.GetCustomAttribute<GenerateSerializerAttribute>() is not null,
            $"{type.Name} is neither a number nor a [GenerateSerializer] record"));
    }

    [Fact]
    public void A_submit_carries_typed_commands_and_facts_and_answers_a_typed_outcome()
    {
        var submit = typeof(IMarketGroupGrain).GetMethod(nameof(IMarketGroupGrain.SubmitAsync))!;

        Assert.Equal(typeof(ShardCall), Assert.Single(submit.GetParameters()).ParameterType);
        Assert.Equal(typeof(Task<WireOutcome>), submit.ReturnType);
        Assert.Equal(typeof(IReadOnlyList<MarketCommand>), typeof(ShardCall).GetProperty(nameof(ShardCall.Commands))!.PropertyType);
        Assert.Equal(typeof(BookFact), typeof(ShardCall).GetProperty(nameof(ShardCall.Fact))!.PropertyType);
        Assert.Equal(typeof(Committed), typeof(WireOutcome).GetProperty(nameof(WireOutcome.Committed))!.PropertyType);
    }

    [Fact]
    public void Every_command_and_fact_kind_and_the_outcome_s_parts_have_a_registered_converter()
    {
        var converted = typeof(ShardCall).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<RegisterConverterAttribute>() is not null)
            .SelectMany(t => t.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IConverter<,>))
            .Select(i => i.GetGenericArguments()[0])
            .ToHashSet();
        var needed = Concrete<MarketCommand>().Concat(Concrete<BookFact>())
            .Concat([typeof(Committed), typeof(Exchange.Outcomes.Failure), typeof(Exchange.Outcomes.StoredAnswer)]);

        Assert.All(needed, type => Assert.Contains(type, converted));
    }

    private static IEnumerable<Type> Concrete<T>() => typeof(T).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(T)) && !t.IsAbstract);

    /// <summary>What a method's task completes with.</summary>
    private static Type Result(MethodInfo method) =>
        method.ReturnType.IsGenericType && method.ReturnType.GetGenericTypeDefinition() == typeof(Task<>)
            ? method.ReturnType.GetGenericArguments()[0]
            : throw new InvalidOperationException($"{method.Name} does not return a Task<T>");

    /// <summary>The type inside a nullable or a list.</summary>
    private static Type Unwrapped(Type type) =>
        Nullable.GetUnderlyingType(type) is { } inner ? Unwrapped(inner)
        : type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? Unwrapped(type.GetGenericArguments()[0])
        : type;
}
