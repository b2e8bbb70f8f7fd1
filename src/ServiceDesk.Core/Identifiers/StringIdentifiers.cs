using ServiceDesk.Generators;

namespace ServiceDesk;

// The string identifiers. Each is a readonly record struct wrapping a validated string; the members (constructor, Value,
// IsDefault, ToString, ThrowIfDefault) and the shared remarks are generated from one template by
// src/ServiceDesk.Generators (ValueTypeGenerator); validation lives in Identifier.

/// <summary>Identifies a tenant: one isolated customer of the product embedding the SDK. Every stored record and every query is scoped by tenant.</summary>
[StringIdentifier]
public readonly partial record struct TenantId;

/// <summary>Identifies an agent: a person (or bot) who works on tickets.</summary>
[StringIdentifier]
public readonly partial record struct AgentId;

/// <summary>Identifies an assignment group (a team or queue, e.g. a 2nd-line network team).</summary>
[StringIdentifier]
public readonly partial record struct GroupId;

/// <summary>Identifies a customer: the organisation (or person) a requester belongs to and a contract is made with.</summary>
[StringIdentifier]
public readonly partial record struct CustomerId;

/// <summary>Identifies a service contract with a customer.</summary>
[StringIdentifier]
public readonly partial record struct ContractId;

/// <summary>Identifies a business or technical service from the service catalogue.</summary>
[StringIdentifier]
public readonly partial record struct ServiceId;

/// <summary>Identifies a configuration item: a service object or piece of equipment (server, printer, lift, air conditioner).</summary>
[StringIdentifier]
public readonly partial record struct ConfigurationItemId;

/// <summary>Identifies a location: a site, building or address where work can happen.</summary>
[StringIdentifier]
public readonly partial record struct LocationId;
