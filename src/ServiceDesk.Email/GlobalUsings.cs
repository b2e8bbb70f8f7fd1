global using NodaTime;
global using ServiceDesk;
global using ServiceDesk.Events;
