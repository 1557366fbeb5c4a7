require_relative "lib/thing/version"
Gem::Specification.new do |s|
  s.name = File.basename(__FILE__, ".gemspec")
  s.version = Thing::VERSION
end
